import NIOCore

/// Tells HTTP/2 with prior knowledge (h2c) from HTTP/1.x on a plain listener by the first bytes:
/// an HTTP/2 client starts with the connection preface (RFC 9113 section 3.4). Once it knows, it
/// hands the connection to `configure` and passes on what it read.
final class ProtocolSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private let configure: (ChannelHandlerContext, _ http2: Bool) throws -> Void
    private var seen: ByteBuffer?

    init(configure: @escaping (ChannelHandlerContext, _ http2: Bool) throws -> Void) {
        self.configure = configure
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if seen == nil {
            seen = incoming
        } else {
            seen?.writeBuffer(&incoming)
        }
        guard let seen else { return }
        let bytes = seen.readableBytesView
        let compared = min(bytes.count, Self.preface.count)
        let matches = bytes.prefix(compared).elementsEqual(Self.preface.prefix(compared))
        guard !matches || compared == Self.preface.count else { return }
        do {
            try configure(context, matches)
        } catch {
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(wrapInboundOut(seen))
        self.seen = nil
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }
}

/// Closes a connection that has been idle too long (after `IdleStateHandler`).
final class IdleCloser: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
