import Logging
import NIOCore

/// What every proxied connection shares: endpoint choice, endpoint connections, metrics, TLS,
/// limits.
final class ProxyContext: Sendable {
    let selector: EndpointSelector
    let connector: UpstreamConnector
    let pool: UpstreamPool
    let metrics: ProxyMetrics
    let limits: ProxyLimits
    let logger: Logger

    init(
        selector: EndpointSelector, connector: UpstreamConnector, pool: UpstreamPool, metrics: ProxyMetrics,
        limits: ProxyLimits, logger: Logger
    ) {
        self.selector = selector
        self.connector = connector
        self.pool = pool
        self.metrics = metrics
        self.limits = limits
        self.logger = logger
    }
}
