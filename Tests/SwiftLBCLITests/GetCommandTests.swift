import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("get lb and get ct")
struct GetCommandTests {
    static let rules = LoadBalancerList(lbAttr: [
        LoadBalancerEntry(
            serviceArguments: ServiceArguments(
                externalIP: "20.20.20.1", port: 2020, protocol: "tcp", sel: 0, mode: 2, name: "web"),
            endpoints: [
                LBEndpoint(endpointIP: "31.31.31.1", targetPort: 8080, weight: 1, state: "active", counter: "3:180"),
                LBEndpoint(endpointIP: "32.32.32.1", targetPort: 8080, weight: 2, state: "active", counter: "0:0"),
            ]),
        LoadBalancerEntry(
            serviceArguments: ServiceArguments(
                externalIP: "10.0.0.1", port: 53, portMax: 54, protocol: "udp", sel: 1, mode: 0, monitor: true,
                security: 1),
            endpoints: [LBEndpoint(endpointIP: "10.0.1.1", targetPort: 5353, weight: 1, state: "ok", counter: "1:60")],
            secondaryIPs: [SecondaryIP(secondaryIP: "10.0.0.2")]),
        LoadBalancerEntry(
            serviceArguments: ServiceArguments(externalIP: "1.1.1.1", port: 1, protocol: "tcp", snat: true),
            endpoints: [LBEndpoint(endpointIP: "9.9.9.9")]),
    ])

    static func transport() -> FakeTransport {
        FakeTransport(answer: { request in
            let body: Data =
                switch request.path {
                case "/netlox/v1/config/loadbalancer/all": LoxiJSON.encode(rules)
                case "/netlox/v1/config/conntrack/all": LoxiJSON.encode(connections)
                default: Data()
                }
            return APIResponse(status: 200, body: body)
        })
    }

    @Test("get lb prints loxicmd's table, sorted, without SNAT rules")
    func table() async throws {
        let transport = GetCommandTests.transport()
        let output = try await run(["get", "lb"], transport: transport)
        #expect(await transport.requests == [APIRequest(method: .get, path: "/netlox/v1/config/loadbalancer/all")])
        #expect(
            output.lines == [
                """
                |   EXT IP   | PORT  |   PROTO   | NAME | MARK | SEL  |  MODE   | # OF ENDPOINTS | MONITOR |
                |------------|-------|-----------|------|------|------|---------|----------------|---------|
                | 10.0.0.1   | 53-54 | udp:https |      |    0 | hash | default |              1 | On      |
                | 20.20.20.1 |  2020 | tcp       | web  |    0 | rr   | fullnat |              2 | Off     |
                """
            ])
    }

    @Test("get lb -o wide prints one row per endpoint")
    func wide() async throws {
        let output = try await run(["get", "lbs", "-o", "wide"], transport: GetCommandTests.transport())
        #expect(
            output.lines == [
                """
                |   EXT IP   | SEC IPS  | HOST | PORT  |   PROTO   | NAME | MARK | SEL  |  MODE   |  ENDPOINT  \
                | EPORT | WEIGHT | STATE | COUNTERS |
                |------------|----------|------|-------|-----------|------|------|------|---------|------------\
                |-------|--------|-------|----------|
                | 10.0.0.1   | 10.0.0.2 |      | 53-54 | udp:https |      |    0 | hash | default | 10.0.1.1   \
                |  5353 |      1 | ok    | 1:60     |
                | 20.20.20.1 |          |      |  2020 | tcp       | web  |    0 | rr   | fullnat | 31.31.31.1 \
                |  8080 |      1 | -     | 3:180    |
                |            |          |      |       |           |      |      |      |         | 32.32.32.1 \
                |  8080 |      2 | -     | 0:0      |
                """
            ])
    }

    @Test("--servName filters and -o json prints the API's JSON")
    func json() async throws {
        let output = try await run(
            ["-o", "json", "get", "loadbalancer", "--servName", "web"], transport: GetCommandTests.transport())
        let text = try #require(output.lines.first)
        let printed = try LoxiJSON.decode(LoadBalancerList.self, from: Data(text.utf8))
        #expect(printed.lbAttr == [GetCommandTests.rules.lbAttr[0]])
        #expect(text.contains("\n  \"lbAttr\" : ["))
    }

    @Test("an empty list prints the header only")
    func empty() async throws {
        let output = try await run(["get", "lb"], transport: FakeTransport(status: 200, body: #"{"lbAttr":[]}"#))
        #expect(
            output.lines == [
                """
                | EXT IP | PORT | PROTO | NAME | MARK | SEL | MODE | # OF ENDPOINTS | MONITOR |
                |--------|------|-------|------|------|-----|------|----------------|---------|
                """
            ])
    }

    @Test("an answer that is not the list is a clear error")
    func badAnswer() async throws {
        let error = try await failure(["get", "lb"], transport: FakeTransport(status: 200, body: "<html>"))
        guard case .badResponse(let message) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(message.hasPrefix("GET /netlox/v1/config/loadbalancer/all: "))
    }

    static let connections = ConntrackList(ctAttr: [
        ConntrackEntry(
            destinationIP: "20.20.20.1", sourceIP: "192.168.1.5", destinationPort: 2020, sourcePort: 40000,
            protocol: "tcp", conntrackState: "est", ident: "7", conntrackAct: "dnat-31.31.31.1:8080", packets: 10,
            bytes: 1200, servName: "web"),
        ConntrackEntry(
            destinationIP: "10.0.0.1", sourceIP: "192.168.1.6", destinationPort: 53, sourcePort: 5000,
            protocol: "udp", conntrackState: "udp-est", conntrackAct: "dnat-10.0.1.1:5353", packets: 2, bytes: 120),
    ])

    @Test("get ct prints one row per connection")
    func conntrack() async throws {
        let transport = GetCommandTests.transport()
        let output = try await run(["get", "ct"], transport: transport)
        #expect(await transport.requests == [APIRequest(method: .get, path: "/netlox/v1/config/conntrack/all")])
        #expect(
            output.lines == [
                """
                | SERVICE NAME |   DESTIP   |    SRCIP    | DPORT | SPORT | PROTO |  STATE  |         ACT          \
                | PACKETS | BYTES |
                |--------------|------------|-------------|-------|-------|-------|---------|----------------------\
                |---------|-------|
                |              | 10.0.0.1   | 192.168.1.6 |    53 |  5000 | udp   | udp-est | dnat-10.0.1.1:5353   \
                |       2 |   120 |
                | web          | 20.20.20.1 | 192.168.1.5 |  2020 | 40000 | tcp   | est     | dnat-31.31.31.1:8080 \
                |      10 |  1200 |
                """
            ])
    }

    @Test("get ct --servName filters, -o wide adds the identifier")
    func conntrackWide() async throws {
        let output = try await run(
            ["get", "conntrack", "--servName=web", "-o", "wide"], transport: GetCommandTests.transport())
        let lines = try #require(output.lines.first).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasSuffix("| IDENT |"))
        #expect(lines[2].hasPrefix("| web "))
        #expect(lines[2].hasSuffix("|     7 |"))
    }
}
