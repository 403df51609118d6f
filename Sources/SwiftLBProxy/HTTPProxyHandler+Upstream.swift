import NIOCore
import NIOHTTP1
import SwiftLBCore

// The endpoint's side of `HTTPProxyHandler`: responses relayed to the client, the endpoint
// connection returned to the pool or closed, and failures turned into 502 or a closed connection.
extension HTTPProxyHandler: UpstreamDelegate {
    var downstreamWritable: Bool { context?.channel.isWritable ?? false }

    func upstreamReceived(_ part: HTTPClientResponsePart) {
        guard let context, exchange != nil else { return }
        switch part {
        case .head(let head):
            // Informational responses (the endpoint's own 100 Continue) are not relayed: the proxy sent one.
            guard head.status.code >= 200 || head.status == .switchingProtocols else { return }
            exchange?.responseStatus = Int(head.status.code)
            exchange?.upstreamKeepAlive = HTTPHeadRewriter.keepsAlive(version: head.version, headers: head.headers)
            let downstream = HTTPHeadRewriter.downstreamResponse(
                head, version: requestVersion, close: !clientKeepAlive || !(exchange?.requestDone ?? true))
            if !(exchange?.requestDone ?? true) && !setup.isHTTP2 { clientKeepAlive = false }
            context.write(wrapOutboundOut(.head(downstream)), promise: nil)
        case .body(let body):
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        case .end(let trailers):
            upstreamFinished(context: context, trailers: trailers)
        }
    }

    private func upstreamFinished(context: ChannelHandlerContext, trailers: HTTPHeaders?) {
        guard let exchange else { return }
        self.exchange = nil
        let seconds = Double((NIODeadline.now() - exchange.started).nanoseconds) / 1e9
        shared.metrics.responded(exchange.route.ruleKey, status: exchange.responseStatus ?? 0, seconds: seconds)
        shared.selector.release(exchange.route, exchange.endpoint)
        exchange.upstreamHandler?.delegate = nil
        if let upstream = exchange.upstream {
            if exchange.requestDone && exchange.upstreamKeepAlive {
                shared.pool.put(upstream, for: exchange.poolKey)
            } else {
                upstream.close(promise: nil)
            }
        }
        if !exchange.requestDone {
            // The endpoint answered before the body ended: drop the rest, then close.
            clientKeepAlive = false
            discarding = true
            context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: nil)
            if !setup.isHTTP2 { context.close(promise: nil) }
            return
        }
        _ = trailers
        finishResponse()
    }

    func upstreamReadComplete() {
        context?.flush()
    }

    func upstreamClosed() {
        guard let context, let exchange else { return }
        let rule = exchange.route.ruleKey
        if exchange.responseStatus == nil {
            shared.metrics.upstreamFailed(rule)
            self.exchange = nil
            shared.selector.release(exchange.route, exchange.endpoint)
            if !exchange.requestDone { clientKeepAlive = false }
            respond(.badGateway, "the endpoint closed the connection\n", rule: rule, requestDone: exchange.requestDone)
        } else {
            // The response is cut short: the client must see an error, not a complete message.
            shared.metrics.upstreamFailed(rule)
            abandonExchange()
            context.close(promise: nil)
        }
    }

    func upstreamBecameWritable() {
        resumeReads()
    }
}
