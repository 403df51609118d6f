import Logging
import NIOCore
import NIOHTTPTypes

/// Applies `ConnectionDeadlines` to one API connection and closes the channel when the deadline
/// in force passes.
///
/// One timer at a time, re-armed lazily: an event only stores the new deadline, and the timer is
/// rescheduled when the deadline comes before it; when it fires early it re-arms for the deadline
/// then in force. Scheduling and cancelling a task for each of a request's four events cost about
/// 3 % of a create's CPU.
///
/// Unchecked Sendable: created in the channel's setup and used only on its event loop, by the two
/// handlers below (one sees raw bytes, the other decoded HTTP parts).
final class ConnectionClock: @unchecked Sendable {
    private var deadlines: ConnectionDeadlines
    private let channel: any Channel
    private let logger: Logger
    /// The deadline in force (uptime nanoseconds), nil while none applies.
    private var deadline: Int64?
    private var timer: (task: Scheduled<Void>, at: Int64)?
    private var stopped = false

    init(channel: any Channel, limits: ConnectionDeadlines.Limits, logger: Logger) {
        self.channel = channel
        self.deadlines = ConnectionDeadlines(limits: limits)
        self.logger = logger
    }

    /// Feeds `event` to the state machine; arms the timer when the deadline comes before it.
    func record(_ event: ConnectionDeadlines.Event) {
        channel.eventLoop.assertInEventLoop()
        deadline = deadlines.handle(event, now: Int64(NIODeadline.now().uptimeNanoseconds))
        guard let deadline, !stopped else { return }
        if let timer, timer.at <= deadline { return }
        arm(at: deadline)
    }

    /// Cancels the pending close (the connection is gone).
    func stop() {
        stopped = true
        timer?.task.cancel()
        timer = nil
    }

    private func arm(at time: Int64) {
        timer?.task.cancel()
        let task = channel.eventLoop.scheduleTask(deadline: .uptimeNanoseconds(UInt64(max(0, time)))) {
            [self] in
            fire()
        }
        timer = (task, time)
    }

    private func fire() {
        timer = nil
        guard let deadline, !stopped else { return }
        guard Int64(NIODeadline.now().uptimeNanoseconds) >= deadline else {
            arm(at: deadline)
            return
        }
        logger.debug(
            "closing an API connection that made no progress",
            metadata: [
                "phase": "\(deadlines.phase.rawValue)", "remote": "\(channel.remoteAddress?.description ?? "?")",
            ])
        channel.close(promise: nil)
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
