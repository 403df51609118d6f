import NIOCore

/// The proxy's limits: what one client may hold and how long it may take.
public struct ProxyLimits: Sendable, Hashable {
    /// Client connections open at once, over all listeners; more are closed at accept.
    public var maxConnections = 10_000
    /// Bytes of one request's header fields (names and values) at most; more gets 400.
    public var maxHeaderBytes = 32 * 1024
    /// Header fields of one request at most; more gets 400.
    public var maxHeaderCount = 100
    /// Time a client has to send a request's head (slowloris), from connecting or from the last response.
    public var requestHeaderTimeout = TimeAmount.seconds(10)
    /// A connection with nothing read or written for this long is closed.
    public var idleTimeout = TimeAmount.seconds(60)
    /// Time to connect to an endpoint.
    public var connectTimeout = TimeAmount.seconds(5)

    public init() {}
}
