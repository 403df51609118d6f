/// Everything that can make a `swiftlbctl` command fail, with the text shown after "Error: ".
///
/// Every case ends the process with exit code 1; none is a crash.
public enum CLIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Command-line input that cannot be turned into a request (bad port pair, endpoint, name...).
    case invalidInput(String)
    /// A feature the CLI knows about but SwiftLB does not offer yet.
    case unsupported(String)
    /// No connection could be made to the API server.
    case unreachable(url: String, reason: String)
    /// The API server accepted the connection but did not answer in time.
    case timedOut(url: String, seconds: Int)
    /// The API server refused the request with an `ErrorModel` (or a body we show as text).
    case server(status: Int, message: String, fields: [String])
    /// The API server answered with something the CLI cannot read.
    case badResponse(String)

    /// The message printed after "Error: ".
    public var description: String {
        switch self {
        case .invalidInput(let message), .unsupported(let message):
            return message
        case .unreachable(let url, let reason):
            return "cannot reach the SwiftLB API at \(url) (is swiftlb running?): \(reason)"
        case .timedOut(let url, let seconds):
            return "the SwiftLB API at \(url) did not answer within \(seconds) s (raise it with --timeout)"
        case .server(let status, let message, let fields):
            let text = message.isEmpty ? "the server answered HTTP \(status)" : message
            return fields.isEmpty ? text : "\(text) (fields: \(fields.joined(separator: ", ")))"
        case .badResponse(let message):
            return "unexpected answer from the SwiftLB API: \(message)"
        }
    }
}
