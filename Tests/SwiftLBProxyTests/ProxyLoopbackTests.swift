import Logging
import NIOCore
import NIOPosix
import SwiftLBCore
import Testing

@testable import SwiftLBProxy

/// The proxy on loopback between real sockets: NIO HTTP and echo endpoints, raw clients.
@Suite struct ProxyLoopbackTests {
    static let loopback = IPAddress("127.0.0.1")!
    static let listener = ListenerAddress(address: loopback, port: 0)

    /// A proxy with one listener on an ephemeral loopback port serving `routes`.
    struct Harness {
        let group: MultiThreadedEventLoopGroup
        let server: ProxyServer
        let metrics: ProxyMetrics
        let pool: UpstreamPool

        init(limits: ProxyLimits = ProxyLimits()) {
            group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
            metrics = ProxyMetrics()
            pool = UpstreamPool()
            let context = ProxyContext(
                selector: EndpointSelector(),
                connector: UpstreamConnector(endpointTLS: nil, connectTimeout: .seconds(2)), pool: pool,
                metrics: metrics, limits: limits, logger: Logger(label: "proxy-test"))
            server = ProxyServer(
                group: group, context: context, certificates: TLSCertificateStore(directory: "/nonexistent"))
        }

        func serve(_ routes: [ProxyRoute]) async throws -> Int {
            let failures = await server.apply([ProxyLoopbackTests.listener: RoutingTable(routes: routes)])
            #expect(failures.isEmpty)
            return try #require(server.localAddress(of: ProxyLoopbackTests.listener)?.port)
        }

        func stop() async {
            await server.closeAll()
            try? await group.shutdownGracefully()
        }
    }

    static func route(host: String = "", path: String = "", ports: [Int], ppv2: Bool = false, rule: String = "")
        -> ProxyRoute
    {
        ProxyRoute(
            ruleKey: ServiceKey(vip: loopback, port: 0, proto: .tcp, host: rule.isEmpty ? host + path : rule),
            host: host, pathPrefix: path,
            endpoints: ports.map { ProxyEndpoint(address: loopback, port: UInt16($0)) }, selection: .roundRobin,
            proxyProtocol: ppv2, security: 0)
    }

    static func request(_ host: String, _ path: String = "/", close: Bool = false) -> String {
        "GET \(path) HTTP/1.1\r\nHost: \(host)\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n"
    }

    @Test func pipelinedRequestsAreRoutedByHostInOrder() async throws {
        let harness = Harness()
        let a = try await TestHTTPBackend(name: "A", group: harness.group)
        let b = try await TestHTTPBackend(name: "B", group: harness.group)
        let port = try await harness.serve([
            Self.route(host: "a.test", ports: [a.port]), Self.route(host: "b.test", ports: [b.port]),
            Self.route(host: "b.test", path: "/api", ports: [a.port]),
        ])
        let send =
            Self.request("a.test") + Self.request("B.test:80", "/x") + Self.request("b.test", "/api/v1")
            + Self.request("a.test", "/last", close: true)
        let reply = try await TestClient.exchange(port: port, send: Array(send.utf8), group: harness.group)
        let backends = reply.text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("backend=") }
        #expect(
            backends.map { String($0.prefix(9)) } == ["backend=A", "backend=B", "backend=A", "backend=A"],
            "\(reply.text)")
        try #require(backends.count == 4)
        #expect(backends[1].contains("uri=/x host=B.test:80 xff=127.0.0.1"))
        #expect(backends[3].contains("uri=/last"))
        #expect(reply.text.components(separatedBy: "HTTP/1.1 200 OK").count == 5)
        #expect(
            harness.metrics.responses(ServiceKey(vip: Self.loopback, port: 0, proto: .tcp, host: "a.test"), status: 200)
                == 2)
        await a.close()
        await b.close()
        await harness.stop()
    }

    @Test func endpointConnectionsArePooledAcrossClients() async throws {
        let harness = Harness()
        let a = try await TestHTTPBackend(name: "A", group: harness.group)
        let port = try await harness.serve([Self.route(host: "a.test", ports: [a.port])])
        for _ in 0..<3 {
            let reply = try await TestClient.exchange(
                port: port, send: Array(Self.request("a.test", close: true).utf8), group: harness.group)
            #expect(reply.text.contains("backend=A"))
        }
        // Each client came on whichever event loop; at most one endpoint connection per loop.
        #expect(a.acceptedConnections <= 2)
        await a.close()
        await harness.stop()
    }

    @Test func requestBodiesStreamToTheEndpoint() async throws {
        let harness = Harness()
        let a = try await TestHTTPBackend(name: "A", group: harness.group)
        let port = try await harness.serve([Self.route(host: "a.test", ports: [a.port])])
        let body = [UInt8](repeating: 0x61, count: 3 * 1024 * 1024)
        let head = "POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let reply = try await TestClient.exchange(port: port, send: Array(head.utf8) + body, group: harness.group)
        #expect(reply.text.contains("method=POST uri=/upload"))
        #expect(reply.text.contains("body=\(body.count)"))
        await a.close()
        await harness.stop()
    }

    @Test func proxyAnswersWhatItCannotForward() async throws {
        let harness = Harness()
        let a = try await TestHTTPBackend(name: "A", group: harness.group)
        let deadPort = a.port
        await a.close()
        var down = Self.route(host: "down.test", ports: [deadPort])
        down.endpoints[0].active = false
        let port = try await harness.serve([Self.route(host: "dead.test", ports: [deadPort]), down])
        let cases: [(String, String)] = [
            (Self.request("nowhere.test", close: true), "HTTP/1.1 404"),
            (Self.request("down.test", close: true), "HTTP/1.1 503"),
            (Self.request("dead.test", close: true), "HTTP/1.1 502"),
            ("NOT HTTP AT ALL\r\n\r\n", "HTTP/1.1 400"),
        ]
        for (request, status) in cases {
            let reply = try await TestClient.exchange(port: port, send: Array(request.utf8), group: harness.group)
            #expect(reply.text.hasPrefix(status), "\(request.debugDescription) got \(reply.text.prefix(40))")
        }
        await harness.stop()
    }

    @Test func tooManyHeaderFieldsGet400AndClose() async throws {
        var limits = ProxyLimits()
        limits.maxHeaderCount = 10
        let harness = Harness(limits: limits)
        let a = try await TestHTTPBackend(name: "A", group: harness.group)
        let port = try await harness.serve([Self.route(host: "a.test", ports: [a.port])])
        let fields = (0..<20).map { "X-Field-\($0): \($0)\r\n" }.joined()
        let request = "GET / HTTP/1.1\r\nHost: a.test\r\n\(fields)\r\n" + Self.request("a.test")
        let reply = try await TestClient.exchange(port: port, send: Array(request.utf8), group: harness.group)
        #expect(reply.text.hasPrefix("HTTP/1.1 400"))
        #expect(!reply.text.contains("backend=A"))
        await a.close()
        await harness.stop()
    }

    @Test func streamRelayCarriesBytesBothWaysWithProxyHeader() async throws {
        let harness = Harness()
        let echo = try await TestEchoBackend(skip: 28, group: harness.group)
        let port = try await harness.serve([Self.route(ports: [echo.port], ppv2: true)])
        var payload = [UInt8](repeating: 0, count: 2 * 1024 * 1024)
        for index in payload.indices { payload[index] = UInt8(truncatingIfNeeded: index &* 31) }
        let reply = try await TestClient.exchange(
            port: port, send: payload, halfClose: true, expectedBytes: payload.count, group: harness.group)
        #expect(reply.bytes == payload)
        let header = try #require(echo.receivedHeaders.first)
        try #require(header.count == 28)
        #expect(Array(header.prefix(16)) == ProxyProtocolV2.signature + [0x21, 0x11, 0x00, 0x0C])
        #expect(Array(header[16..<20]) == [127, 0, 0, 1] && Array(header[20..<24]) == [127, 0, 0, 1])
        #expect(Int(header[26]) << 8 | Int(header[27]) == port)
        await echo.close()
        await harness.stop()
    }

    @Test func httpRequestsWithProxyHeaderUseOneEndpointConnectionPerClient() async throws {
        let harness = Harness()
        let a = try await TestHTTPBackend(name: "A", proxyHeaderBytes: 28, group: harness.group)
        let port = try await harness.serve([Self.route(host: "a.test", ports: [a.port], ppv2: true)])
        for _ in 0..<2 {
            let send = Self.request("a.test") + Self.request("a.test", "/2", close: true)
            let reply = try await TestClient.exchange(port: port, send: Array(send.utf8), group: harness.group)
            #expect(reply.text.components(separatedBy: "backend=A").count == 3, "\(reply.text)")
        }
        // The header names the client, so each client connection got its own endpoint connection,
        // and every connection started with the header (the request was not written before it).
        #expect(a.acceptedConnections == 2)
        let headers = a.receivedProxyHeaders
        #expect(headers.count == 2)
        for header in headers {
            #expect(Array(header.prefix(16)) == ProxyProtocolV2.signature + [0x21, 0x11, 0x00, 0x0C])
            #expect(header.count == 28 && Int(header[26]) << 8 | Int(header[27]) == port)
        }
        await a.close()
        await harness.stop()
    }

    @Test func ipv6ListenerRelaysWithATCP6ProxyHeader() async throws {
        let harness = Harness()
        let loopback6 = try #require(IPAddress("::1"))
        let echo = try await TestEchoBackend(skip: 52, host: "::1", group: harness.group)
        let listener = ListenerAddress(address: loopback6, port: 0)
        let route = ProxyRoute(
            ruleKey: ServiceKey(vip: loopback6, port: 0, proto: .tcp), host: "", pathPrefix: "",
            endpoints: [ProxyEndpoint(address: loopback6, port: UInt16(echo.port))], selection: .roundRobin,
            proxyProtocol: true, security: 0)
        #expect(await harness.server.apply([listener: RoutingTable(routes: [route])]).isEmpty)
        let port = try #require(harness.server.localAddress(of: listener)?.port)
        let payload = Array("over IPv6".utf8)
        let reply = try await TestClient.exchange(
            port: port, send: payload, halfClose: true, expectedBytes: payload.count, host: "::1", group: harness.group)
        #expect(reply.bytes == payload)
        let header = try #require(echo.receivedHeaders.first)
        #expect(Array(header.prefix(16)) == ProxyProtocolV2.signature + [0x21, 0x21, 0x00, 0x24])
        #expect(Array(header[16..<32]) == [UInt8](repeating: 0, count: 15) + [1])
        #expect(Int(header[50]) << 8 | Int(header[51]) == port)
        await echo.close()
        await harness.stop()
    }

    @Test func swappedRoutesApplyWithoutRebindingTheListener() async throws {
        let harness = Harness()
        let a = try await TestHTTPBackend(name: "A", group: harness.group)
        let b = try await TestHTTPBackend(name: "B", group: harness.group)
        let port = try await harness.serve([Self.route(host: "a.test", ports: [a.port], rule: "r")])
        let first = try await TestClient.exchange(
            port: port, send: Array(Self.request("a.test").utf8), expectedBytes: 60, limit: .seconds(5),
            group: harness.group)
        #expect(first.text.contains("backend=A"))
        _ = try await harness.serve([Self.route(host: "a.test", ports: [b.port], rule: "r")])
        let second = try await TestClient.exchange(
            port: port, send: Array(Self.request("a.test", close: true).utf8), group: harness.group)
        #expect(second.text.contains("backend=B"))
        #expect(harness.server.boundListeners == [Self.listener])
        await a.close()
        await b.close()
        await harness.stop()
    }
}
