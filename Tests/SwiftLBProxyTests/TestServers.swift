import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 endpoint on loopback that answers every request with what it saw:
/// "backend=<name> method=<m> uri=<u> host=<h> xff=<x> body=<bytes>".
final class TestHTTPBackend: Sendable {
    let name: String
    let channel: any Channel
    private let accepted = NIOLockedValueBox(0)
    private let proxyHeaders = NIOLockedValueBox([[UInt8]]())

    var receivedProxyHeaders: [[UInt8]] { proxyHeaders.withLockedValue { $0 } }

    var port: Int { channel.localAddress?.port ?? 0 }
    var acceptedConnections: Int { accepted.withLockedValue { $0 } }

    /// With `proxyHeaderBytes`, each connection's first bytes (a PROXY header) are recorded and
    /// taken off before HTTP.
    init(name: String, proxyHeaderBytes: Int = 0, group: any EventLoopGroup) async throws {
        self.name = name
        let counter = accepted
        let headers = proxyHeaders
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counter.withLockedValue { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    if proxyHeaderBytes > 0 {
                        try channel.pipeline.syncOperations.addHandler(
                            HeaderTaker(count: proxyHeaderBytes, headers: headers))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Responder(name: name))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func close() async {
        try? await channel.close()
    }

    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let name: String
        var head: HTTPRequestHead?
        var bodyBytes = 0

        init(name: String) { self.name = name }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                bodyBytes = 0
            case .body(let body):
                bodyBytes += body.readableBytes
            case .end:
                guard let head else { return }
                let text =
                    "backend=\(name) method=\(head.method.rawValue) uri=\(head.uri) host=\(head.headers["host"].first ?? "-") "
                    + "xff=\(head.headers["x-forwarded-for"].first ?? "-") body=\(bodyBytes)\n"
                var response = HTTPResponseHead(version: .http1_1, status: .ok)
                response.headers.add(name: "content-length", value: "\(text.utf8.count)")
                context.write(wrapOutboundOut(.head(response)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}

/// Takes the first `count` bytes of a connection off and records them.
final class HeaderTaker: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    var remaining: Int
    var taken: [UInt8] = []
    let headers: NIOLockedValueBox<[[UInt8]]>

    init(count: Int, headers: NIOLockedValueBox<[[UInt8]]>) {
        remaining = count
        self.headers = headers
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if remaining > 0 {
            let bytes = buffer.readBytes(length: min(remaining, buffer.readableBytes)) ?? []
            taken += bytes
            remaining -= bytes.count
            if remaining == 0 { headers.withLockedValue { $0.append(taken) } }
        }
        if buffer.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(buffer)) }
    }
}

/// A TCP endpoint that sends back everything it reads, after it has read the first `skip` bytes
/// (a PROXY header), which it records.
final class TestEchoBackend: Sendable {
    let channel: any Channel
    private let headers = NIOLockedValueBox([[UInt8]]())

    var port: Int { channel.localAddress?.port ?? 0 }
    var receivedHeaders: [[UInt8]] { headers.withLockedValue { $0 } }

    init(skip: Int = 0, host: String = "127.0.0.1", group: any EventLoopGroup) async throws {
        let headers = self.headers
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Echo(skip: skip, headers: headers))
                }
            }
            .bind(host: host, port: 0).get()
    }

    func close() async {
        try? await channel.close()
    }

    private final class Echo: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        var skip: Int
        var header: [UInt8] = []
        let headers: NIOLockedValueBox<[[UInt8]]>

        init(skip: Int, headers: NIOLockedValueBox<[[UInt8]]>) {
            self.skip = skip
            self.headers = headers
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            if skip > 0 {
                let taken = buffer.readBytes(length: min(skip, buffer.readableBytes)) ?? []
                header += taken
                skip -= taken.count
                if skip == 0 { headers.withLockedValue { $0.append(header) } }
            }
            if buffer.readableBytes > 0 { context.write(wrapOutboundOut(buffer), promise: nil) }
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            context.flush()
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case ChannelEvent.inputClosed = event { context.close(promise: nil) }
        }
    }
}

/// A client that sends bytes, half-closes when asked, and collects the reply until the server
/// closes or `expectedBytes` arrived; bounded by `limit`.
enum TestClient {
    struct Reply {
        var bytes: [UInt8]
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    static func exchange(
        port: Int, send: [UInt8], halfClose: Bool = false, expectedBytes: Int? = nil, limit: TimeAmount = .seconds(20),
        host: String = "127.0.0.1", group: any EventLoopGroup
    ) async throws -> Reply {
        let collector = Collector(expected: expectedBytes, promise: group.next().makePromise())
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: host, port: port).get()
        try await channel.writeAndFlush(ByteBuffer(bytes: send))
        if halfClose { try await channel.close(mode: .output) }
        let timeout = channel.eventLoop.scheduleTask(in: limit) { channel.close(promise: nil) }
        let bytes = try await collector.promise.futureResult.get()
        timeout.cancel()
        try? await channel.close()
        return Reply(bytes: bytes)
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let expected: Int?
        let promise: EventLoopPromise<[UInt8]>
        private let received = NIOLockedValueBox((bytes: [UInt8](), done: false))

        init(expected: Int?, promise: EventLoopPromise<[UInt8]>) {
            self.expected = expected
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            let count = received.withLockedValue { received in
                received.bytes += buffer.readableBytesView
                return received.bytes.count
            }
            if let expected, count >= expected { finish() }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case ChannelEvent.inputClosed = event { finish() }
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish()
        }

        private func finish() {
            let bytes = received.withLockedValue { received -> [UInt8]? in
                guard !received.done else { return nil }
                received.done = true
                return received.bytes
            }
            if let bytes { promise.succeed(bytes) }
        }
    }
}
