import NIOCore

/// Sends the PROXY protocol header as the first bytes of an endpoint connection, below TLS (it
/// sits at the pipeline's head), then leaves the pipeline.
///
/// Writes that arrive before the connection is active wait here: a connect's future completes
/// before `channelActive` travels the pipeline, so a request may be written first.
final class ProxyHeaderWriter: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private let header: [UInt8]
    private var held: [(NIOAny, EventLoopPromise<Void>?)] = []
    private var sent = false

    init(header: [UInt8]) {
        self.header = header
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { send(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context: context)
        context.fireChannelActive()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if sent {
            context.write(data, promise: promise)
        } else {
            held.append((data, promise))
        }
    }

    func flush(context: ChannelHandlerContext) {
        if sent { context.flush() }
    }

    private func send(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        context.write(NIOAny(context.channel.allocator.buffer(bytes: header)), promise: nil)
        for (data, promise) in held { context.write(data, promise: promise) }
        held = []
        context.flush()
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }
}
