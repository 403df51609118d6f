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

    static func target(
        _ type: ProbeType, port: Int, request: String = "", response: String = "", host: IPAddress = loopback
    ) -> ProbeTarget {
        ProbeTarget(
            key: "t", host: host, type: type, port: UInt16(port), request: request, response: response, interval: 2,
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

    @Test(arguments: ["127.0.0.1", "::1"])
    func udpProbeIsUpOnAReplyAndDownOnPortUnreachable(host: String) async throws {
        let address = try #require(IPAddress(host))
        let echo = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(UDPEcho()) }
            }
            .bind(host: host, port: 0).get()
        defer { echo.close(promise: nil) }
        let port = try #require(echo.localAddress?.port)
        let echoed = await prober.probe(Self.target(.udp, port: port, request: "ping", response: "ping", host: address))
        guard case .success = echoed else {
            Issue.record("an echoed datagram must be up, got \(echoed)")
            return
        }
        let wrong = await prober.probe(Self.target(.udp, port: port, request: "ping", response: "pong", host: address))
        #expect(wrong == .failure(reason: "the reply does not contain \"pong\""))
        let closed = try await closedUDPPort(host)
        #expect(
            await prober.probe(Self.target(.udp, port: closed, request: "x", host: address))
                == .failure(reason: "port unreachable"))
    }

    @Test(.enabled(if: geteuid() == 0, "raw ICMP sockets need root"), arguments: ["127.0.0.1", "::1"])
    func pingProbeIsUpOnLoopback(host: String) async throws {
        let result = await prober.probe(Self.target(.ping, port: 0, host: try #require(IPAddress(host))))
        guard case .success = result else {
            Issue.record("\(host) answers echo requests, got \(result)")
            return
        }
    }

    @Test(.enabled(if: geteuid() == 0, "raw ICMP sockets need root"))
    func pingOfAnUnusedAddressTimesOut() async throws {
        // 2001:db8::/32 is documentation space: routed nowhere here, so no reply comes.
        let target = ProbeTarget(
            key: "t", host: IPAddress("2001:db8::7")!, type: .ping, port: 0, request: "", response: "", interval: 1,
            retries: 1)
        let result = await prober.probe(target)
        guard case .failure = result else {
            Issue.record("nothing answers 2001:db8::7, got \(result)")
            return
        }
    }

    func closedUDPPort(_ host: String = "127.0.0.1") async throws -> Int {
        let channel = try await DatagramBootstrap(group: group).bind(host: host, port: 0).get()
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
