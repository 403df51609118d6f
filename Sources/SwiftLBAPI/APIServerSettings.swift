import Hummingbird
import HummingbirdCore
import Logging
import SwiftLBCore

/// How the daemon serves its API: where, with which limits, TLS and access.
public struct APIServerSettings: Sendable {
    /// Listening address and port.
    public var host: String
    public var port: Int
    /// Progress deadlines of every connection (idle, header, body).
    public var deadlines: ConnectionDeadlines.Limits
    /// Connections open at once; more are closed right after accept.
    public var maxConnections: Int
    /// TLS, when the API is served over HTTPS.
    public var tls: ReloadingTLSContext?
    /// Tokens, or open access.
    public var access: APIAccess

    /// Defaults: idle 60 s, header 10 s, body 30 s, 256 connections, plain HTTP, open access.
    public init(
        host: String, port: Int,
        deadlines: ConnectionDeadlines.Limits = .init(idle: 60, header: 10, body: 30),
        maxConnections: Int = 256, tls: ReloadingTLSContext? = nil, access: APIAccess = APIAccess(tokens: nil)
    ) {
        self.host = host
        self.port = port
        self.deadlines = deadlines
        self.maxConnections = maxConnections
        self.tls = tls
        self.access = access
    }

    /// Request heads are small here (no cookies, short paths): 16 KiB and 100 fields are plenty,
    /// and refusing more keeps a client from making the daemon buffer megabytes of headers.
    static let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
        maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 16 * 1024, maxHeaderFieldCount: 100)
}

/// Builds the HTTP application the daemon runs: `makeRouter` served as `settings` say.
///
/// The result is a swift-service-lifecycle `Service`: run it in the daemon's `ServiceGroup`.
/// `gate` counts the open connections (its limit is `settings.maxConnections`).
public func makeApplication(
    store: RuleStore, version: VersionInfo, settings: APIServerSettings, gate: ConnectionGate, logger: Logger,
    features: APIFeatures = APIFeatures()
) -> some ApplicationProtocol {
    let server = HTTPServerBuilder { responder in
        APIChildChannel(
            responder: responder, limits: settings.deadlines, gate: gate, tls: settings.tls,
            decoder: APIServerSettings.decoder)
    }
    return Application(
        router: makeRouter(store: store, version: version, access: settings.access, features: features),
        server: server,
        configuration: ApplicationConfiguration(
            address: .hostname(settings.host, port: settings.port), serverName: "swiftlb"),
        logger: logger)
}
