import NIOCore

/// Sends the PROXY protocol header as the first bytes of an endpoint connection, below TLS (it
/// sits at the pipeline's head), then leaves the pipeline.
final class ProxyHeaderWriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundOut = ByteBuffer

    private let header: [UInt8]

    init(header: [UInt8]) {
        self.header = header
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: header)), promise: nil)
        context.fireChannelActive()
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }
}
