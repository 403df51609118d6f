import ArgumentParser

/// loxicmd's global flags, accepted by every command that talks to the API.
public struct GlobalOptions: ParsableArguments {
    /// API server address.
    @Option(name: [.customShort("s"), .customLong("apiserver")], help: "API server IP address or host name.")
    public var apiServer: String = "127.0.0.1"

    /// API server port.
    @Option(name: [.customShort("p"), .customLong("port")], help: "API server port number.")
    public var port: Int = 11111

    /// URL scheme; only http is supported so far.
    @Option(name: .customLong("protocol"), help: "API server protocol: http (https is not supported yet).")
    public var scheme: String = "http"

    /// Request timeout in seconds.
    @Option(name: [.customShort("t"), .customLong("timeout")], help: "Seconds to wait for the API server.")
    public var timeout: Int = 5

    /// Bearer token for the API.
    @Option(name: .customLong("token"), help: "Bearer token sent to the API server.")
    public var token: String?

    /// Output layout of `get` commands.
    @Option(name: [.customShort("o"), .customLong("output")], help: "Output layout of get commands: wide or json.")
    public var output: OutputFormat?

    /// Creates the defaults (ArgumentParser fills the values in).
    public init() {}

    /// The validated connection settings; https and out-of-range values are errors.
    public func endpoint() throws(CLIError) -> APIEndpoint {
        switch scheme.lowercased() {
        case "http":
            break
        case "https":
            throw .unsupported("--protocol https is not supported yet; use http (the default)")
        default:
            throw .invalidInput("--protocol must be http or https, not '\(scheme)'")
        }
        guard (1...65535).contains(port) else {
            throw .invalidInput("--port must be 1-65535, not \(port)")
        }
        guard (1...3600).contains(timeout) else {
            throw .invalidInput("--timeout must be 1-3600 seconds, not \(timeout)")
        }
        guard !apiServer.isEmpty, !apiServer.contains("/"), !apiServer.contains(" ") else {
            throw .invalidInput("--apiserver '\(apiServer)' is not a host name or IP address")
        }
        let bearer = token.flatMap { $0.isEmpty ? nil : $0 }
        return APIEndpoint(host: apiServer, port: port, timeoutSeconds: timeout, token: bearer)
    }
}

/// The `-o/--output` choices.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// One row per endpoint with its state and counters.
    case wide
    /// The API's JSON, pretty-printed.
    case json
}
