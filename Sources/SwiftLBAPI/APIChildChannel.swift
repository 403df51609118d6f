import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// The API server's per-connection setup: HTTP/1.1 (Hummingbird's `HTTP1Channel`), behind a
/// connection limit, progress deadlines and, when configured, TLS.
///
/// Order on the pipeline: deadline bytes handler (so a stalled TLS handshake or a slow header
/// counts), TLS, HTTP codec, request-progress handler, Hummingbird's handlers.
struct APIChildChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let responder: HTTPChannelHandler.Responder
    let limits: ConnectionDeadlines.Limits
    let gate: ConnectionGate
    let tls: ReloadingTLSContext?
    let decoder: HTTP1Channel.Configuration.DecoderConfiguration

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard gate.admit() else {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ConnectionRefused())
        }
        channel.closeFuture.whenComplete { [gate] _ in gate.release() }
        let clock = ConnectionClock(channel: channel, limits: limits, logger: logger)
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionBytesHandler(clock: clock))
            if let tls {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.current()))
            }
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http1(clock: clock).setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await http1(clock: nil).handle(value: value, logger: logger)
    }

    private func http1(clock: ConnectionClock?) -> HTTP1Channel {
        HTTP1Channel(
            responder: responder,
            configuration: .init(
                additionalChannelHandlers: clock.map { [RequestProgressHandler(clock: $0)] } ?? [],
                httpDecoderConfiguration: decoder))
    }

    /// Why a connection over the limit was closed at once.
    struct ConnectionRefused: Error {}
}
