import Hummingbird
import HummingbirdTesting
import SwiftLBCore
import Testing

@testable import SwiftLBAPI

@Suite("GET conntrack and version, unknown paths and methods")
struct ReadRouteTests {
    @Test("conntrack lists live connections under ctAttr")
    func conntrack() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            let body = APITestHarness.body(name: "web", endpoints: ["31.31.31.1"])
            #expect(try await client.post("/netlox/v1/config/loadbalancer", body).status == .ok)
            let id = try #require(try await harness.datapath.programmedServices().first).id
            let connection = ConnectionEntry(
                proto: .tcp, clientAddress: try #require(IPAddress("192.168.1.5")), clientPort: 40000,
                serviceAddress: try #require(IPAddress("20.20.20.1")), servicePort: 2020,
                endpointAddress: try #require(IPAddress("31.31.31.1")), endpointPort: 8080, state: "est",
                serviceID: id, counters: Counters(packets: 10, bytes: 1200))
            await harness.datapath.setConnections([connection])

            let response = try await client.get("/netlox/v1/config/conntrack/all")
            #expect(response.status == .ok)
            #expect(response.isJSON)
            let entries = try response.decode(ConntrackList.self).ctAttr
            #expect(
                entries == [
                    ConntrackEntry(
                        destinationIP: "20.20.20.1", sourceIP: "192.168.1.5", destinationPort: 2020,
                        sourcePort: 40000, protocol: "tcp", conntrackState: "est",
                        conntrackAct: "dnat-31.31.31.1:8080", packets: 10, bytes: 1200, servName: "web")
                ])
        }
    }

    @Test("conntrack is 503 with an error model when the datapath cannot be read")
    func conntrackUnavailable() async throws {
        let harness = APITestHarness()
        await harness.datapath.failNext(.read)
        try await harness.run { client in
            let response = try await client.get("/netlox/v1/config/conntrack/all")
            #expect(response.status == .serviceUnavailable)
            #expect(response.isJSON)
            #expect(try response.errorModel().code == 503)
        }
    }

    @Test("version answers the daemon's version information")
    func version() async throws {
        try await APITestHarness().run { client in
            let response = try await client.get("/netlox/v1/version")
            #expect(response.status == .ok)
            #expect(response.isJSON)
            #expect(try response.decode(VersionInfo.self) == APITestHarness.version)
            #expect(response.text.contains(#""name":"swiftlb""#))
        }
    }

    @Test("an unknown path is 404 with a JSON error model", arguments: ["/", "/netlox/v1/config/route/all", "/x/y"])
    func unknownPath(_ path: String) async throws {
        try await APITestHarness().run { client in
            let response = try await client.get(path)
            #expect(response.status == .notFound)
            #expect(response.isJSON)
            let model = try response.errorModel()
            #expect(model.code == 404)
            #expect(model.message.contains(path))
        }
    }

    @Test(
        "a known path with the wrong method is 405 with Allow",
        arguments: [
            ("/netlox/v1/config/loadbalancer", "GET", "POST"),
            ("/netlox/v1/config/loadbalancer/all", "POST", "GET, DELETE"),
            ("/netlox/v1/config/loadbalancer/name/web", "GET", "DELETE"),
            ("/netlox/v1/version", "DELETE", "GET"),
        ])
    func wrongMethod(_ path: String, _ method: String, _ allow: String) async throws {
        try await APITestHarness().run { client in
            let response = try await client.execute(uri: path, method: HTTPRequest.Method(method)!)
            #expect(response.status == .methodNotAllowed)
            #expect(response.isJSON)
            #expect(response.headers[.allow] == allow)
            #expect(try response.errorModel().code == 405)
        }
    }
}
