import ArgumentParser
import Logging
import SwiftLBAPI
import SwiftLBCore

/// `swiftlb run`'s REST API options: address, TLS, tokens and connection limits.
struct APIOptions: ParsableArguments {
    @Option(help: "Address the REST API listens on.")
    var apiHost = "127.0.0.1"

    @Option(help: "Port of the REST API (default: loxilb's, 11111; with TLS loxilb's HTTPS port, 8091).")
    var apiPort: Int?

    @Option(
        help: ArgumentHelp(
            "Serve the API over HTTPS with this PEM certificate chain (with --api-tls-key); reloaded when it changes.",
            valueName: "file"))
    var apiTlsCert: String?

    @Option(help: ArgumentHelp("PEM private key of --api-tls-cert.", valueName: "file"))
    var apiTlsKey: String?

    @Option(
        help: ArgumentHelp(
            "API tokens, one per line: NAME SCOPE SECRET (scope admin or read). Created with one admin token (mode 0600) when missing; reread when it changes.",
            valueName: "file"))
    var apiTokenFile = APITokenFile.defaultPath

    @Flag(
        help:
            "Serve the API without tokens. Accepted only with a loopback --api-host: then every local user, root or not, may change the rules."
    )
    var apiNoAuthOnLoopback = false

    @Option(help: "Most API connections open at once; more are closed at accept (lowered to fit the descriptor limit).")
    var apiMaxConnections = 256

    @Option(help: "Seconds an API connection may wait for its next request before it is closed.")
    var apiIdleTimeout = 60.0

    @Option(help: "Seconds from a request's first byte (or TLS handshake) to its complete header.")
    var apiHeaderTimeout = 10.0

    @Option(help: "Seconds from a request's header to the end of its body.")
    var apiBodyTimeout = 30.0

    /// The port in force.
    var port: Int { apiPort ?? (apiTlsCert == nil ? 11111 : 8091) }

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--api-port must be 1...65535") }
        guard (apiTlsCert == nil) == (apiTlsKey == nil) else {
            throw ValidationError("--api-tls-cert and --api-tls-key go together: give both or neither")
        }
        if apiNoAuthOnLoopback, !Self.isLoopback(apiHost) {
            throw ValidationError(
                "--api-no-auth-on-loopback needs a loopback --api-host (127.0.0.1, ::1 or localhost), not \(apiHost)")
        }
        guard (1...65536).contains(apiMaxConnections) else {
            throw ValidationError("--api-max-connections must be 1...65536")
        }
        for (name, value) in [
            ("--api-idle-timeout", apiIdleTimeout), ("--api-header-timeout", apiHeaderTimeout),
            ("--api-body-timeout", apiBodyTimeout),
        ] where !(0.1...3600).contains(value) {
            throw ValidationError("\(name) must be 0.1...3600 seconds")
        }
    }

    /// The server settings, with `maxConnections` as the descriptor budget allows; throws a
    /// `ValidationError` when the TLS files or the token file do not load.
    func settings(maxConnections: Int, logger: Logger) throws -> APIServerSettings {
        var tls: ReloadingTLSContext?
        if let apiTlsCert, let apiTlsKey {
            do {
                tls = try ReloadingTLSContext(certificatePath: apiTlsCert, keyPath: apiTlsKey, logger: logger)
            } catch {
                throw ValidationError("cannot serve the API over TLS: \(error)")
            }
        }
        return APIServerSettings(
            host: apiHost, port: port,
            deadlines: .init(idle: apiIdleTimeout, header: apiHeaderTimeout, body: apiBodyTimeout),
            maxConnections: maxConnections, tls: tls, access: try access(logger: logger))
    }

    private func access(logger: Logger) throws -> APIAccess {
        if apiNoAuthOnLoopback {
            logger.warning("API authentication is off (--api-no-auth-on-loopback): every local user may change rules")
            return APIAccess(tokens: nil, logger: logger)
        }
        do {
            if try APITokenFile.createIfMissing(path: apiTokenFile) {
                logger.notice("created the API token file with one admin token", metadata: ["file": "\(apiTokenFile)"])
            }
            return try APIAccess(tokenFile: apiTokenFile, logger: logger)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The API's URL for the start-up log.
    var url: String { "\(apiTlsCert == nil ? "http" : "https")://\(apiHost):\(port)" }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
