import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("swiftlbctl bgpneighbor")
struct BGPCommandTests {
    @Test("create bgpneighbor IP AS: loxicmd's POST body; aliases and the --setMultiHtop spelling")
    func create() async throws {
        for (arguments, expected) in [
            (
                ["create", "bgpneighbor", "10.0.0.2", "65000"],
                BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65000, remotePort: 179)
            ),
            (
                ["create", "bgpneigh", "2001:db8::2", "4200000000", "--remotePort=1179", "--setMultiHtop"],
                BGPNeighbor(ipAddress: "2001:db8::2", remoteAs: 4_200_000_000, remotePort: 1179, setMultiHop: true)
            ),
            (
                ["create", "bgpnei", "10.0.0.2", "1", "--setMultiHop"],
                BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 1, remotePort: 179, setMultiHop: true)
            ),
        ] {
            let transport = FakeTransport()
            let output = try await run(arguments, transport: transport)
            let request = try #require(await transport.requests.first)
            #expect(request.method == .post && request.path == "/netlox/v1/config/bgp/neigh")
            #expect(try LoxiJSON.decode(BGPNeighbor.self, from: try #require(request.body)) == expected)
            #expect(output.lines == ["created bgpneighbor \(expected.ipAddress) remoteAs \(expected.remoteAs)"])
        }
    }

    @Test("bad arguments fail before any request")
    func invalid() async throws {
        try await expectRefusedLocally([
            ["create", "bgpneighbor", "10.0.0", "65000"], ["create", "bgpneighbor", "10.0.0.2", "AS1"],
            ["create", "bgpneighbor", "10.0.0.2", "0"], ["create", "bgpneighbor", "10.0.0.2", "1", "--remotePort=0"],
            ["delete", "bgpneighbor", "x", "1"],
        ])
    }

    @Test("delete bgpneighbor IP AS: DELETE .../neigh/IP?remoteAs=AS")
    func delete() async throws {
        let transport = FakeTransport()
        let output = try await run(["delete", "bgpneighbor", "2001:db8::2", "65000"], transport: transport)
        #expect(
            await transport.requests == [
                APIRequest(method: .delete, path: "/netlox/v1/config/bgp/neigh/2001:db8::2?remoteAs=65000")
            ])
        #expect(output.lines == ["deleted bgpneighbor 2001:db8::2"])
    }

    @Test("get bgpneighbor: loxicmd's table, sorted; -o json; server errors are shown")
    func get() async throws {
        let body = """
            {"bgpNeiAttr":[{"ipAddress":"10.0.0.3","remoteAs":65003,"state":"active","updowntime":""},
            {"ipAddress":"10.0.0.2","remoteAs":65000,"state":"established","updowntime":"00:01:02"}]}
            """
        let output = try await run(["get", "bgpneighbor"], transport: FakeTransport(status: 200, body: body))
        #expect(
            output.lines == [
                """
                |   PEER   |  AS   | UP/DOWN  |    STATE    |
                |----------|-------|----------|-------------|
                | 10.0.0.2 | 65000 | 00:01:02 | established |
                | 10.0.0.3 | 65003 |          | active      |
                """
            ])
        let json = try await run(["get", "bgpneigh", "-o", "json"], transport: FakeTransport(status: 200, body: body))
        let decoded = try LoxiJSON.decode(BGPNeighborList.self, from: Data(json.lines.joined().utf8))
        #expect(decoded.bgpNeiAttr.map(\.ipAddress) == ["10.0.0.2", "10.0.0.3"])
        let error = try await failure(
            ["get", "bgpneighbor"],
            transport: FakeTransport(status: 503, body: #"{"code":503,"message":"BGP is disabled on this instance"}"#))
        #expect(error == .server(status: 503, message: "BGP is disabled on this instance", fields: []))
    }
}
