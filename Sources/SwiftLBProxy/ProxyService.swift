import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SwiftLBCore

/// The L7 proxy as a daemon subsystem: follows the rule store's desired state (fullproxy rules,
/// their endpoints' health applied) and keeps `ProxyServer`'s listeners and routes in step with
/// it, on every change and every few seconds for listeners that could not be bound yet.
public final class ProxyService: Service, Sendable {
    /// What the daemon's flags set.
    public struct Settings: Sendable {
        /// loxilb's layout: `<dir>/<host>/server.crt|key`, and `<dir>/server.crt|key` as the default.
        public var certificateDirectory = "/opt/swiftlb/cert"
        /// The CA (PEM) endpoints of e2ehttps rules must chain to; nil refuses e2ehttps connections.
        public var endpointCAFile: String?
        public var limits = ProxyLimits()
        /// Event-loop threads (0: one per core).
        public var threads = 0

        public init() {}
    }

    public let server: ProxyServer
    public let metrics: ProxyMetrics
    private let store: RuleStore
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let retryInterval: Duration

    public init(store: RuleStore, settings: Settings, logger: Logger, retryInterval: Duration = .seconds(5)) throws {
        let endpointTLS = try settings.endpointCAFile.map { try TLSCertificateStore.endpointContext(caFile: $0) }
        group = MultiThreadedEventLoopGroup(
            numberOfThreads: settings.threads > 0 ? settings.threads : System.coreCount)
        metrics = ProxyMetrics()
        let context = ProxyContext(
            selector: EndpointSelector(),
            connector: UpstreamConnector(endpointTLS: endpointTLS, connectTimeout: settings.limits.connectTimeout),
            pool: UpstreamPool(), metrics: metrics, limits: settings.limits, logger: logger)
        server = ProxyServer(
            group: group, context: context,
            certificates: TLSCertificateStore(directory: settings.certificateDirectory))
        self.store = store
        self.logger = logger
        self.retryInterval = retryInterval
    }

    public func run() async throws {
        var seen: UInt64 = 0
        var lastFailures: [ListenerAddress: String] = [:]
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let state = await store.desiredState()
                seen = state.version
                let failures = await server.apply(ProxyPlan.listeners(for: state.rules))
                for (listener, reason) in failures where lastFailures[listener] != reason {
                    logger.error(
                        "proxy cannot listen; retrying", metadata: ["listener": "\(listener)", "error": "\(reason)"])
                }
                lastFailures = failures
                _ = await store.feed.next(after: seen, timeout: retryInterval)
            }
        } onGracefulShutdown: {
        }
        await server.closeAll()
        try? await group.shutdownGracefully()
    }
}
