import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SwiftLBCore

/// TCP connect, HTTP and HTTPS probes over SwiftNIO.
///
/// A TCP probe succeeds when the handshake completes within the timeout. An HTTP(S) probe then sends
/// one GET and judges the answer with `HTTPProbeResponse`; HTTPS does not verify the endpoint's
/// certificate (a health check asks "is it serving", not "is it trusted").
public struct StreamProbe: Sendable {
    let group: any EventLoopGroup
    let tls: NIOSSLContext?

    /// Creates probes on `group`; `tls` is built once and shared by every HTTPS probe.
    public init(group: any EventLoopGroup) {
        self.group = group
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        self.tls = try? NIOSSLContext(configuration: configuration)
    }

    /// Probes `target` (type tcp, http or https) within `target.timeout`.
    public func probe(_ target: ProbeTarget) async -> ProbeResult {
        let start = ContinuousClock.now
        let loop = group.next()
        let promise = loop.makePromise(of: Void.self)
        let timeout = TimeAmount.nanoseconds(Int64(target.timeout.components.seconds) * 1_000_000_000)
        let exchange: HTTPExchange? =
            target.type == .tcp
            ? nil
            : HTTPExchange(
                request: HTTPProbeResponse.request(path: target.request, host: "\(target.host)", port: target.port),
                expected: target.response, promise: promise)
        if target.type == .https && tls == nil { return .failure(reason: "TLS is unavailable in this build") }
        let tls = target.type == .https ? tls : nil
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: nil))
                    }
                    if let exchange { try channel.pipeline.syncOperations.addHandler(HTTPExchangeHandler(exchange)) }
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: "\(target.host)", port: Int(target.port)).get()
        } catch {
            exchange?.complete(.success(())) ?? promise.succeed()
            let reason = "connect to \(target.host):\(target.port) failed: \(Self.describe(error))"
            return ProbeResult.isExhaustion(error) ? .localError(reason: reason) : .failure(reason: reason)
        }
        guard exchange != nil else {
            let delay = ContinuousClock.now - start
            promise.succeed()
            try? await channel.close()
            return .success(delay: delay)
        }
        let deadline = loop.scheduleTask(in: timeout) {
            exchange?.complete(.failure(ProbeTimeout()))
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            try await promise.futureResult.get()
            let delay = ContinuousClock.now - start
            try? await channel.close()
            return .success(delay: delay)
        } catch {
            try? await channel.close()
            return .failure(reason: Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        if error is ProbeTimeout { return "no answer within the timeout" }
        if let error = error as? ProbeFailure { return error.reason }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connect timed out" }
        return "\(error)"
    }
}

/// The probe's deadline passed.
struct ProbeTimeout: Error {}

/// The endpoint answered, but not as expected.
struct ProbeFailure: Error {
    var reason: String
}

/// One HTTP request and the promise its judgement completes (exactly once, whoever comes first: the
/// answer, the deadline or a failed connect).
struct HTTPExchange: Sendable {
    let request: String
    let expected: String
    let promise: EventLoopPromise<Void>
    private let completed = NIOLockedValueBox(false)

    init(request: String, expected: String, promise: EventLoopPromise<Void>) {
        self.request = request
        self.expected = expected
        self.promise = promise
    }

    func complete(_ result: Result<Void, any Error>) {
        let first = completed.withLockedValue { done in
            defer { done = true }
            return !done
        }
        if first { promise.completeWith(result) }
    }
}

/// Sends the request when the channel is active and judges the answer as it arrives.
final class HTTPExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let exchange: HTTPExchange
    private var received: [UInt8] = []
    private var done = false

    init(_ exchange: HTTPExchange) {
        self.exchange = exchange
    }

    func channelActive(context: ChannelHandlerContext) {
        let buffer = context.channel.allocator.buffer(string: exchange.request)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if let bytes = buffer.readBytes(length: buffer.readableBytes) { received += bytes }
        judge(context: context, complete: false)
    }

    func channelInactive(context: ChannelHandlerContext) {
        judge(context: context, complete: true)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(ProbeFailure(reason: "\(error)")), context: context)
    }

    private func judge(context: ChannelHandlerContext, complete: Bool) {
        switch HTTPProbeResponse.judge(received, expecting: exchange.expected, complete: complete) {
        case .up: finish(.success(()), context: context)
        case .down(let reason): finish(.failure(ProbeFailure(reason: reason)), context: context)
        case .needMore: break
        }
    }

    private func finish(_ result: Result<Void, any Error>, context: ChannelHandlerContext) {
        guard !done else { return }
        done = true
        exchange.complete(result)
        context.close(promise: nil)
    }
}
