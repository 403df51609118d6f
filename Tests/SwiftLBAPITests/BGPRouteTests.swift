import Hummingbird
import HummingbirdTesting
import Logging
import SwiftLBCore
import Testing

@testable import SwiftLBAPI

@Suite("BGP API paths")
struct BGPRouteTests {
    static let logger = Logger(label: "swiftlb.api.test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `test` against a router with a BGP subsystem over an in-memory store.
    static func withBGP(
        _ test: @Sendable (any TestClientProtocol, BGPDesiredState, InMemoryBGPConfigStore) async throws -> Void
    ) async throws {
        let harness = APITestHarness()
        let store = InMemoryBGPConfigStore()
        let bgp = BGPDesiredState(store: store, logger: logger)
        let app = Application(
            router: makeRouter(store: harness.store, version: APITestHarness.version, features: APIFeatures(bgp: bgp)))
        try await app.test(.router) { client in try await test(client, bgp, store) }
    }

    @Test("global: POST stores it (200 Success), GET echoes it with defaults; 404 before it is set")
    func global() async throws {
        try await Self.withBGP { client, _, store in
            let before = try await client.get("/netlox/v1/config/bgp/global")
            #expect(before.status == .notFound)
            #expect(try before.errorModel().message.contains("not configured"))
            let post = try await client.post(
                "/netlox/v1/config/bgp/global", #"{"localAs":65001,"routerId":"10.0.0.1"}"#)
            #expect(post.status == .ok)
            #expect(try post.decode(PostSuccess.self) == PostSuccess())
            let get = try await client.get("/netlox/v1/config/bgp/global")
            #expect(get.status == .ok)
            #expect(
                try get.decode(BGPGlobalConfig.self)
                    == BGPGlobalConfig(localAs: 65001, routerId: "10.0.0.1", listenPort: 179))
            #expect(try await store.loadBGP().global?.localAs == 65001)
        }
    }

    @Test("neighbor: POST, GET all (and GET neigh) with state, DELETE with remoteAs")
    func neighbor() async throws {
        try await Self.withBGP { client, _, store in
            let post = try await client.post(
                "/netlox/v1/config/bgp/neigh", #"{"ipAddress":"10.0.0.2","remoteAs":65000,"setMultiHop":true}"#)
            #expect(post.status == .ok)
            for path in ["/netlox/v1/config/bgp/neigh/all", "/netlox/v1/config/bgp/neigh"] {
                let list = try await client.get(path)
                #expect(list.status == .ok)
                #expect(
                    try list.decode(BGPNeighborList.self).bgpNeiAttr == [
                        BGPNeighborEntry(ipAddress: "10.0.0.2", remoteAs: 65000, state: "gobgpd-down", updowntime: "")
                    ])
            }
            let wrongAS = try await client.delete("/netlox/v1/config/bgp/neigh/10.0.0.2?remoteAs=65009")
            #expect(wrongAS.status == .notFound)
            let delete = try await client.delete("/netlox/v1/config/bgp/neigh/10.0.0.2?remoteAs=65000")
            #expect(delete.status == .ok)
            #expect(try await store.loadBGP().neighbors.isEmpty)
            #expect(try await client.delete("/netlox/v1/config/bgp/neigh/10.0.0.2").status == .notFound)
        }
    }

    @Test(
        "bad input: 400 naming the field, nothing stored",
        arguments: [
            ("/netlox/v1/config/bgp/global", #"{"localAs":0,"routerId":"10.0.0.1"}"#, "localAs"),
            ("/netlox/v1/config/bgp/global", #"{"localAs":65001,"routerId":"fe80::1"}"#, "routerId"),
            (
                "/netlox/v1/config/bgp/global", #"{"localAs":65001,"routerId":"10.0.0.1","listenPort":70000}"#,
                "listenPort"
            ),
            ("/netlox/v1/config/bgp/global", #"{"localAs":"65001","routerId":"10.0.0.1"}"#, "localAs"),
            ("/netlox/v1/config/bgp/neigh", #"{"ipAddress":"10.0.0.256","remoteAs":65000}"#, "ipAddress"),
            ("/netlox/v1/config/bgp/neigh", #"{"ipAddress":"10.0.0.2"}"#, "remoteAs"),
            ("/netlox/v1/config/bgp/neigh", #"{"ipAddress":"10.0.0.2","remoteAs":1,"remotePort":-1}"#, "remotePort"),
            ("/netlox/v1/config/bgp/neigh", #"[1]"#, "body"),
        ])
    func badInput(path: String, body: String, field: String) async throws {
        try await Self.withBGP { client, _, store in
            let response = try await client.post(path, body)
            #expect(response.status == .badRequest)
            #expect(response.isJSON)
            #expect(try response.errorModel().fields == [field])
            #expect(try await store.loadBGP() == BGPStoredConfig())
        }
        try await Self.withBGP { client, _, _ in
            let bad = try await client.delete("/netlox/v1/config/bgp/neigh/10.0.0.2?remoteAs=sixty")
            #expect(bad.status == .badRequest)
            #expect(try bad.errorModel().fields == ["remoteAs"])
        }
    }

    @Test("without --bgp every BGP path answers 503 saying how to enable it")
    func disabled() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            for (method, path) in [
                (HTTPRequest.Method.get, "/netlox/v1/config/bgp/neigh/all"), (.post, "/netlox/v1/config/bgp/neigh"),
                (.post, "/netlox/v1/config/bgp/global"), (.delete, "/netlox/v1/config/bgp/neigh/10.0.0.2"),
            ] {
                let response = try await client.execute(
                    uri: path, method: method, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: "{}"))
                #expect(response.status == .serviceUnavailable)
                #expect(try response.errorModel().message.contains("--bgp"))
            }
            #expect(!(try await client.get("/metrics").text.contains("swiftlb_bgp")))
        }
    }

    @Test("/metrics adds gobgpd's state and one state gauge per neighbor and state")
    func metrics() async throws {
        try await Self.withBGP { client, bgp, _ in
            try await bgp.addNeighbor(BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65000))
            await bgp.update(
                status: BGPRuntimeStatus(
                    gobgpdUp: true, downReason: "", gobgpdStarts: 3,
                    sessions: [.v4(0x0A00_0002): .init(state: "established")], advertisedRoutes: 2, installedRoutes: 1))
            let text = try await client.get("/metrics").text
            let lines = Set(text.split(separator: "\n").map(String.init))
            for line in [
                "swiftlb_bgp_gobgpd_up 1", "swiftlb_bgp_gobgpd_starts_total 3", "swiftlb_bgp_advertised_routes 2",
                "swiftlb_bgp_installed_routes 1",
                #"swiftlb_bgp_neighbor_state{neighbor="10.0.0.2",state="established"} 1"#,
                #"swiftlb_bgp_neighbor_state{neighbor="10.0.0.2",state="idle"} 0"#,
                "# TYPE swiftlb_bgp_neighbor_state gauge",
            ] {
                #expect(lines.contains(line), "missing: \(line)")
            }
            #expect(text.hasPrefix("# HELP swiftlb_packets_total"))
        }
    }
}
