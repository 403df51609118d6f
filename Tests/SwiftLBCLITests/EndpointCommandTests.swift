import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("create, get and delete ep")
struct EndpointCommandTests {
    @Test("create ep sends loxilb's EndPoint body from loxicmd's flags")
    func create() async throws {
        let transport = FakeTransport()
        let output = try await run(
            [
                "create", "ep", "32.32.32.1", "--probetype=http", "--l4port=8080", "--probereq=/health",
                "--proberesp=ok", "--period=5", "--retries=3",
            ], transport: transport)
        let request = try #require(await transport.requests.first)
        #expect(request.method == .post && request.path == "/netlox/v1/config/endpoint")
        let body = try LoxiJSON.decode(EndPointEntry.self, from: try #require(request.body))
        #expect(
            body
                == EndPointEntry(
                    hostName: "32.32.32.1", inactiveReTries: 3, probeType: "http", probeReq: "/health", probeResp: "ok",
                    probeDuration: 5, probePort: 8080))
        #expect(output.lines == ["created endpoint 32.32.32.1"])
    }

    @Test("create ep defaults to ping every 60 s with 2 retries, as loxicmd")
    func createDefaults() async throws {
        let transport = FakeTransport()
        try await run(["create", "endpoint", "10.0.0.1"], transport: transport)
        let request = try #require(await transport.requests.first)
        let body = try LoxiJSON.decode(EndPointEntry.self, from: try #require(request.body))
        #expect(
            body.probeType == "ping" && body.probeDuration == 60 && body.inactiveReTries == 2 && body.probePort == 0)
    }

    @Test("create ep refuses a bad address or probe type before sending anything")
    func createInvalid() async throws {
        let transport = FakeTransport()
        let badHost = try await failure(["create", "ep", "10.0.0"], transport: transport)
        #expect("\(badHost)".contains("10.0.0"))
        let badType = try await failure(["create", "ep", "10.0.0.1", "--probetype=gopher"], transport: transport)
        #expect("\(badType)".contains("gopher"))
        #expect(await transport.requests.isEmpty)
    }

    @Test("get ep prints loxicmd's columns")
    func get() async throws {
        let list = EndPointList(Attr: [
            EndPointGetEntry(
                hostName: "32.32.32.1", name: "32.32.32.1_http_8080", inactiveReTries: 2, probeType: "http",
                probeReq: "/health", probeDuration: 1, probePort: 8080, minDelay: "1.2ms", avgDelay: "1.5ms",
                maxDelay: "2ms", currState: "nok"),
            EndPointGetEntry(
                hostName: "31.31.31.1", name: "31.31.31.1_ping_0", inactiveReTries: 2, probeType: "ping",
                probeDuration: 60, minDelay: "0s", avgDelay: "0s", maxDelay: "0s", currState: "ok"),
        ])
        let transport = FakeTransport(status: 200, body: String(decoding: LoxiJSON.encode(list), as: UTF8.self))
        let output = try await run(["get", "ep"], transport: transport)
        #expect(await transport.requests.map(\.path) == ["/netlox/v1/config/endpoint/all"])
        let text = output.lines.joined(separator: "\n")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(
            lines.contains {
                $0.contains("HOST") && $0.contains("PTYPE") && $0.contains("AVGDELAY") && $0.contains("STATE")
            })
        let first = try #require(lines.firstIndex { $0.contains("31.31.31.1") })
        let second = try #require(lines.firstIndex { $0.contains("32.32.32.1") })
        #expect(first < second, "sorted by host")
        #expect(
            lines[second].contains("http:/health") && lines[second].contains("1.5ms") && lines[second].contains("nok"))
    }

    @Test("delete ep sends loxilb's DELETE with the narrowing query parameters")
    func delete() async throws {
        let transport = FakeTransport(status: 204)
        try await run(["delete", "ep", "32.32.32.1"], transport: transport)
        try await run(["delete", "ep", "32.32.32.1", "--probetype=http", "--l4port=8080"], transport: transport)
        #expect(
            await transport.requests.map(\.description) == [
                "DELETE /netlox/v1/config/endpoint/epipaddress/32.32.32.1",
                "DELETE /netlox/v1/config/endpoint/epipaddress/32.32.32.1?probe_type=http&probe_port=8080",
            ])
    }

    @Test("get lb -o wide shows an inactive endpoint even on an unmonitored rule")
    func wideState() {
        let entry = LoadBalancerEntry(
            serviceArguments: ServiceArguments(externalIP: "20.20.20.1", port: 80, protocol: "tcp"),
            endpoints: [
                LBEndpoint(endpointIP: "31.31.31.1", targetPort: 8080, weight: 1, state: "inactive", counter: "0:0"),
                LBEndpoint(endpointIP: "32.32.32.1", targetPort: 8080, weight: 1, state: "active", counter: "0:0"),
            ])
        let text = LoadBalancerTable.render([entry], wide: true)
        #expect(text.contains("inactive"))
        #expect(!text.contains(" active"), "an active endpoint of an unmonitored rule shows -")
    }
}
