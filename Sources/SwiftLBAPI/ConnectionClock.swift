import Logging
import NIOCore
import NIOHTTPTypes

/// Applies `ConnectionDeadlines` to one API connection: keeps one scheduled close at the deadline
/// in force and closes the channel when it passes.
///
/// Unchecked Sendable: created in the channel's setup and used only on its event loop, by the two
/// handlers below (one sees raw bytes, the other decoded HTTP parts).
final class ConnectionClock: @unchecked Sendable {
    private var deadlines: ConnectionDeadlines
    private let channel: any Channel
    private let logger: Logger
    private var scheduled: Scheduled<Void>?

    init(channel: any Channel, limits: ConnectionDeadlines.Limits, logger: Logger) {
        self.channel = channel
        self.deadlines = ConnectionDeadlines(limits: limits)
        self.logger = logger
    }

    /// Feeds `event` to the state machine and reschedules the close.
    func record(_ event: ConnectionDeadlines.Event) {
        channel.eventLoop.assertInEventLoop()
        let now = Int64(NIODeadline.now().uptimeNanoseconds)
        let before = deadlines.phase
        let deadline = deadlines.handle(event, now: now)
        // Bytes inside a phase that already has its deadline change nothing: skip the reschedule.
        if event == .bytes && before == deadlines.phase { return }
        scheduled?.cancel()
        scheduled = nil
        guard let deadline else { return }
        let phase = deadlines.phase
        scheduled = channel.eventLoop.scheduleTask(deadline: .uptimeNanoseconds(UInt64(max(0, deadline)))) {
            [channel, logger] in
            logger.debug(
                "closing an API connection that made no progress",
                metadata: ["phase": "\(phase.rawValue)", "remote": "\(channel.remoteAddress?.description ?? "?")"])
            channel.close(promise: nil)
        }
    }

    /// Cancels the pending close (the connection is gone).
    func stop() {
        scheduled?.cancel()
        scheduled = nil
    }
}

/// First in the pipeline: reports raw bytes (the start of a request, or of a TLS handshake) and
/// the connection's start and end to the clock.
final class ConnectionBytesHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private let clock: ConnectionClock

    init(clock: ConnectionClock) { self.clock = clock }

    func handlerAdded(context: ChannelHandlerContext) { clock.record(.opened) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        clock.record(.bytes)
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clock.stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { clock.stop() }
}

/// After HTTP decoding: reports request heads and ends, and response ends, to the clock.
final class RequestProgressHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    private let clock: ConnectionClock

    init(clock: ConnectionClock) { self.clock = clock }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: clock.record(.requestHead)
        case .end: clock.record(.requestEnd)
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { clock.record(.responseEnd) }
        context.write(data, promise: promise)
    }
}
