import NIOCore
import NIOHTTP1

/// One request in flight through `HTTPProxyHandler`: its route and endpoint, the parts waiting for
/// the endpoint connection, and how far request and response have come.
struct HTTPExchange {
    let route: ProxyRoute
    let endpoint: ProxyEndpoint
    let poolKey: UpstreamPool.Key
    let started: NIODeadline
    /// Parts read before the endpoint connection was ready, in order.
    var buffered: [HTTPClientRequestPart] = []
    var upstream: (any Channel)?
    var upstreamHandler: UpstreamHTTPHandler?
    var requestDone = false
    var responseStatus: Int?
    var upstreamKeepAlive = true
}
