import ArgumentParser
import Foundation
import SwiftLBCore

/// loxicmd's global flags, accepted by every command that talks to the API.
public struct GlobalOptions: ParsableArguments {
    /// API server address.
    @Option(name: [.customShort("s"), .customLong("apiserver")], help: "API server IP address or host name.")
    public var apiServer: String = "127.0.0.1"

    /// API server port.
    @Option(
        name: [.customShort("p"), .customLong("port")],
        help: "API server port number (default 11111; 8091 with --protocol https).")
    public var port: Int?

    /// URL scheme.
    @Option(name: .customLong("protocol"), help: "API server protocol: http or https.")
    public var scheme: String = "http"

    /// The CA of an HTTPS API server's certificate.
    @Option(
        name: .customLong("cacert"),
        help: ArgumentHelp("PEM file of the CA that signed the HTTPS server's certificate.", valueName: "file"))
    public var caFile: String?

    /// Request timeout in seconds.
    @Option(name: [.customShort("t"), .customLong("timeout")], help: "Seconds to wait for the API server.")
    public var timeout: Int = 5

    /// Bearer token for the API.
    @Option(
        name: .customLong("token"),
        help: "Token sent to the API server (default: $SWIFTLB_TOKEN, else the first admin token of --token-file).")
    public var token: String?

    /// The daemon's token file.
    @Option(
        name: .customLong("token-file"),
        help: ArgumentHelp(
            "The daemon's API token file (default: $SWIFTLB_TOKEN_FILE, else \(APITokenFile.defaultPath); then loxicmd's /tmp/loxilbtoken).",
            valueName: "file"))
    public var tokenFile: String?

    /// Output layout of `get` commands.
    @Option(name: [.customShort("o"), .customLong("output")], help: "Output layout of get commands: wide or json.")
    public var output: OutputFormat?

    /// Creates the defaults (ArgumentParser fills the values in).
    public init() {}

    /// The validated connection settings; https and out-of-range values are errors.
    public func endpoint() throws(CLIError) -> APIEndpoint {
        let tls: Bool
        switch scheme.lowercased() {
        case "http": tls = false
        case "https": tls = true
        default:
            throw .invalidInput("--protocol must be http or https, not '\(scheme)'")
        }
        if caFile != nil && !tls { throw .invalidInput("--cacert needs --protocol https") }
        let port = self.port ?? (tls ? 8091 : 11111)
        guard (1...65535).contains(port) else {
            throw .invalidInput("--port must be 1-65535, not \(port)")
        }
        guard (1...3600).contains(timeout) else {
            throw .invalidInput("--timeout must be 1-3600 seconds, not \(timeout)")
        }
        guard !apiServer.isEmpty, !apiServer.contains("/"), !apiServer.contains(" ") else {
            throw .invalidInput("--apiserver '\(apiServer)' is not a host name or IP address")
        }
        return APIEndpoint(
            host: apiServer, port: port, timeoutSeconds: timeout, token: resolvedToken(), tls: tls, caFile: caFile)
    }

    /// The token to send: --token, $SWIFTLB_TOKEN, the token file's first admin token, or the
    /// token `loxicmd set login` saved; nil when none is found (the server then answers 401).
    public func resolvedToken(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let token, !token.isEmpty { return token }
        if let token = environment["SWIFTLB_TOKEN"], !token.isEmpty { return token }
        let file = tokenFile ?? environment["SWIFTLB_TOKEN_FILE"] ?? APITokenFile.defaultPath
        if let secret = APITokenFile.adminSecret(path: file) { return secret }
        if tokenFile != nil { return nil }
        let saved = (try? String(contentsOfFile: "/tmp/loxilbtoken", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return saved?.isEmpty == false ? saved : nil
    }
}

/// The `-o/--output` choices.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// One row per endpoint with its state and counters.
    case wide
    /// The API's JSON, pretty-printed.
    case json
}
