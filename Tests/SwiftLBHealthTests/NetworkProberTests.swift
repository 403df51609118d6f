import NIOCore
import NIOPosix
import SwiftLBCore
import SwiftLBHealth
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real probes against servers on loopback started by the tests.
@Suite struct NetworkProberTests {
    let group = MultiThreadedEventLoopGroup.singleton
    var prober: NetworkProber { NetworkProber(group: group) }
    static let loopback = IPAddress("127.0.0.1")!

    static func target(_ type: ProbeType, port: Int, request: String = "", response: String = "") -> ProbeTarget {
        ProbeTarget(
            key: "t", host: loopback, type: type, port: UInt16(port), request: request, response: response, interval: 2,
            retries: 1)
    }

    /// A TCP server answering every connection with `answer`, then closing.
    func server(answering answer: String) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FixedAnswer(answer))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// A port nothing listens on (bound, then closed).
    func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }

    @Test func httpProbeIsUpOn200AndChecksTheBody() async throws {
        let server = try await server(answering: "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nstatus: healthy\n")
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        guard case .success = await prober.probe(Self.target(.http, port: port, request: "/health")) else {
            Issue.record("a 200 answer must be up")
            return
        }
        guard case .success = await prober.probe(Self.target(.http, port: port, response: "healthy")) else {
            Issue.record("a body with the expected text must be up")
            return
        }
        let result = await prober.probe(Self.target(.http, port: port, response: "sick"))
        #expect(result == .failure(reason: "the response does not contain \"sick\""))
    }

    @Test func httpProbeIsDownOnAnErrorStatus() async throws {
        let server = try await server(answering: "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        #expect(await prober.probe(Self.target(.http, port: port)) == .failure(reason: "HTTP status 503"))
    }

    @Test func httpsProbeSpeaksTLSSoAPlainServerIsDown() async throws {
        let server = try await server(answering: "HTTP/1.0 200 OK\r\n\r\n")
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        guard case .failure = await prober.probe(Self.target(.https, port: port)) else {
            Issue.record("a plain-text answer to a TLS client hello must fail the https probe")
            return
        }
    }

    @Test func tcpProbeIsUpOnAListenerAndDownOnAClosedPort() async throws {
        let server = try await server(answering: "")
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        guard case .success = await prober.probe(Self.target(.tcp, port: port)) else {
            Issue.record("connecting to a listener must be up")
            return
        }
        guard case .failure(let reason) = await prober.probe(Self.target(.tcp, port: try await closedPort())) else {
            Issue.record("a refused connection must be down")
            return
        }
        #expect(reason.contains("connect to 127.0.0.1"))
        guard case .failure = await prober.probe(Self.target(.http, port: try await closedPort())) else {
            Issue.record("an http probe of a closed port must be down")
            return
        }
    }

    @Test func udpProbeIsUpOnAReplyAndDownOnPortUnreachable() async throws {
        let echo = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(UDPEcho()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { echo.close(promise: nil) }
        let port = try #require(echo.localAddress?.port)
        guard case .success = await prober.probe(Self.target(.udp, port: port, request: "ping", response: "ping"))
        else {
            Issue.record("an echoed datagram must be up")
            return
        }
        let wrong = await prober.probe(Self.target(.udp, port: port, request: "ping", response: "pong"))
        #expect(wrong == .failure(reason: "the reply does not contain \"pong\""))
        let closed = try await closedUDPPort()
        #expect(
            await prober.probe(Self.target(.udp, port: closed, request: "x")) == .failure(reason: "port unreachable"))
    }

    @Test(.enabled(if: geteuid() == 0, "raw ICMP sockets need root"))
    func pingProbeIsUpOnLoopback() async throws {
        guard case .success = await prober.probe(Self.target(.ping, port: 0)) else {
            Issue.record("127.0.0.1 answers echo requests")
            return
        }
    }

    func closedUDPPort() async throws -> Int {
        let channel = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }
}

/// Writes a fixed answer on the first bytes received, then closes.
final class FixedAnswer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let answer: String

    init(_ answer: String) {
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answer.isEmpty else { return }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: answer)), promise: nil)
        context.close(promise: nil)
    }
}

/// Sends every datagram back to its sender.
final class UDPEcho: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        context.writeAndFlush(
            wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: envelope.data)), promise: nil
        )
    }
}
