import Hummingbird
import HummingbirdTesting
import Logging
import SwiftLBCore
import SwiftLBHA
import Synchronization
import Testing

@testable import SwiftLBAPI

/// Records the VIPs the controller would hold, without touching the host's addresses.
final class RecordingVIPOwner: VIPOwner {
    let held = Mutex<Set<IPAddress>>([])

    func hold(_ owned: Set<IPAddress>, of known: Set<IPAddress>, announceAll: Bool) async -> [String] {
        held.withLock { held in
            held.subtract(known)
            held.formUnion(owned)
        }
        return []
    }
}

/// loxilb's `/config/cistate` paths over the real `HAController` without peers (roles set by an
/// external controller).
@Suite("HA state API paths")
struct HARouteTests {
    static func withHA(
        _ test: @Sendable (any TestClientProtocol, InMemoryHAConfigStore, RecordingVIPOwner) async throws -> Void
    ) async throws {
        let harness = APITestHarness()
        let store = InMemoryHAConfigStore()
        let owner = RecordingVIPOwner()
        let ha = HAController(
            settings: HAController.Settings(peers: [], localAddress: .v4(0x0a00_0001)), store: store, link: nil,
            failedPeers: { [] }, rules: { [] }, owner: owner, logger: BGPRouteTests.logger)
        let app = Application(
            router: makeRouter(store: harness.store, version: APITestHarness.version, features: APIFeatures(ha: ha)))
        try await app.test(.router) { client in try await test(client, store, owner) }
    }

    @Test("GET lists llb-inst0 NOT_DEFINED; POST MASTER with a vip holds it and is listed; stored")
    func setAndList() async throws {
        try await Self.withHA { client, store, owner in
            let before = try await client.get("/netlox/v1/config/cistate/all")
            #expect(before.status == .ok)
            #expect(
                String(buffer: before.body)
                    == #"{"Attr":[{"instance":"llb-inst0","state":"NOT_DEFINED","vip":"0.0.0.0"}]}"#)
            let post = try await client.post(
                "/netlox/v1/config/cistate", #"{"instance":"llb-inst0","state":"MASTER","vip":"10.9.2.1"}"#)
            #expect(post.status == .ok)
            let list = try await client.get("/netlox/v1/config/cistate/all")
            #expect(
                try list.decode(HAInstanceList.self).instances == [
                    HAInstanceState(instance: "llb-inst0", state: "MASTER", vip: "10.9.2.1")
                ])
            #expect(owner.held.withLock { $0 } == [IPAddress("10.9.2.1")!])
            #expect(try await store.loadHA().map(\.state) == ["MASTER"])
        }
    }

    @Test("/metrics shows each instance's role, 1 for the one held and 0 for the others")
    func metricsShowRoles() async throws {
        try await Self.withHA { client, _, _ in
            let post = try await client.post("/netlox/v1/config/cistate", #"{"instance":"llb-inst0","state":"BACKUP"}"#)
            #expect(post.status == .ok)
            let text = String(buffer: try await client.get("/metrics").body)
            let samples = text.split(separator: "\n").filter { $0.hasPrefix("swiftlb_ha_instance_state{") }
            #expect(
                samples == [
                    #"swiftlb_ha_instance_state{instance="llb-inst0",state="MASTER"} 0"#,
                    #"swiftlb_ha_instance_state{instance="llb-inst0",state="BACKUP"} 1"#,
                    #"swiftlb_ha_instance_state{instance="llb-inst0",state="NOT_DEFINED"} 0"#,
                ])
            // Without a sync link there are no sync counters.
            #expect(!text.contains("swiftlb_ha_sync_"))
        }
    }

    @Test("bad fields are 400 naming the field and change nothing")
    func refusals() async throws {
        try await Self.withHA { client, store, owner in
            for (body, field) in [
                (#"{"state":"LEADER"}"#, "state"), (#"{"instance":"x"}"#, "state"),
                (#"{"state":"MASTER","vip":"10.0.0.256"}"#, "vip"),
                (#"{"state":"MASTER","instance":"has space"}"#, "instance"),
            ] {
                let response = try await client.post("/netlox/v1/config/cistate", body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.errorModel().fields == [field], "\(body)")
            }
            #expect(try await client.post("/netlox/v1/config/cistate", #"{"state":"#).status == .badRequest)
            #expect(try await store.loadHA().isEmpty)
            #expect(owner.held.withLock { $0 }.isEmpty)
        }
    }

    @Test("without an HA subsystem the paths answer 503")
    func unavailable() async throws {
        let harness = APITestHarness()
        let app = Application(router: makeRouter(store: harness.store, version: APITestHarness.version))
        try await app.test(.router) { client in
            let response = try await client.get("/netlox/v1/config/cistate/all")
            #expect(response.status == .serviceUnavailable)
        }
    }
}
