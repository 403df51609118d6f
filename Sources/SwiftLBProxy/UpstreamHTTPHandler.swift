import NIOCore
import NIOHTTP1

/// What an endpoint connection reports to the client-side handler of the request it serves.
protocol UpstreamDelegate: AnyObject {
    func upstreamReceived(_ part: HTTPClientResponsePart)
    func upstreamReadComplete()
    func upstreamClosed()
    func upstreamBecameWritable()
    /// False while the client cannot take more: the endpoint connection stops reading.
    var downstreamWritable: Bool { get }
}

/// The last handler of an HTTP/1.1 connection to an endpoint: hands responses to the request's
/// delegate and reads only while the client can take what it reads.
final class UpstreamHTTPHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    /// The request being served; nil while the connection idles in the pool.
    var delegate: (any UpstreamDelegate)?
    private var context: ChannelHandlerContext?
    private var pendingRead = false

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Reads again if a read was held while the client was not writable.
    func resumeReads() {
        guard pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let delegate else {
            // An idle connection must not speak: it is out of step, so it is not reused.
            context.close(promise: nil)
            return
        }
        delegate.upstreamReceived(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        delegate?.upstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamClosed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { delegate?.upstreamBecameWritable() }
    }

    func read(context: ChannelHandlerContext) {
        if delegate?.downstreamWritable ?? true {
            context.read()
        } else {
            pendingRead = true
        }
    }
}
