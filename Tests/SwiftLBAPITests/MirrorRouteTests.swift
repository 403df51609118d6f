import Hummingbird
import HummingbirdTesting
import SwiftLBCore
import Testing

@testable import SwiftLBAPI

/// loxilb's mirror paths over a `MirrorStore` with in-memory storage and datapath.
@Suite("mirror API paths")
struct MirrorRouteTests {
    static func withMirrors(
        _ test:
            @Sendable (any TestClientProtocol, InMemoryMirrorDatapath, InMemoryMirrorConfigStore) async throws -> Void
    ) async throws {
        let harness = APITestHarness()
        let persistence = InMemoryMirrorConfigStore()
        let datapath = InMemoryMirrorDatapath(interfaces: ["eth0": 2, "eth2": 4])
        let mirrors = MirrorStore(persistence: persistence, datapath: datapath) { _ in [] }
        let app = Application(
            router: makeRouter(
                store: harness.store, version: APITestHarness.version, features: APIFeatures(mirrors: mirrors)))
        try await app.test(.router) { client in try await test(client, datapath, persistence) }
    }

    static let mirror =
        #"{"mirrorIdent":"mirr-1","mirrorInfo":{"type":0,"port":"eth2"},"#
        + #""targetObject":{"attachment":1,"mirrObjName":"eth0"}}"#

    @Test("POST stores and installs, GET lists with sync and counters, /metrics exports them, DELETE removes")
    func lifecycle() async throws {
        try await Self.withMirrors { client, datapath, persistence in
            #expect(try await client.post("/netlox/v1/config/mirror", Self.mirror).status == .ok)
            #expect(try await client.post("/netlox/v1/config/mirror", Self.mirror).status == .conflict)
            #expect(
                await datapath.attachments.ports == [
                    2: MirrorTarget(id: 1, destination: .span(port: "eth2"), ifindex: 4)
                ])
            #expect(try await persistence.loadMirrors().count == 1)
            await datapath.count(id: 1, MirrorCounter(packets: 5, bytes: 300, failures: 2))
            let list = try await client.get("/netlox/v1/config/mirror/all")
            #expect(list.text.hasPrefix(#"{"mirrAttr":[{"#))
            let mirrors = try list.decode(MirrorList.self).mirrAttr
            #expect(mirrors.map(\.mirrorIdent) == ["mirr-1"] && mirrors[0].targetObject.mirrObjName == "eth0")
            #expect(list.text.contains(#""sync":0"#) && list.text.contains(#""counter":"5:300""#))
            let metrics = try await client.get("/metrics").text
            #expect(
                metrics.contains(
                    #"swiftlb_mirror_packets_total{mirror="mirr-1",type="span",attachment="port",target="eth0"} 5"#))
            #expect(metrics.contains(#"swiftlb_mirror_failures_total{mirror="mirr-1""#))
            #expect(try await client.delete("/netlox/v1/config/mirror/ident/mirr-1").status == .ok)
            #expect(try await client.delete("/netlox/v1/config/mirror/ident/mirr-1").status == .notFound)
            #expect(await datapath.attachments.isEmpty)
            #expect(try await client.get("/netlox/v1/config/mirror/all").decode(MirrorList.self).mirrAttr.isEmpty)
        }
    }

    @Test("bad bodies are 400s naming the field, and change nothing")
    func refusals() async throws {
        try await Self.withMirrors { client, datapath, persistence in
            let bad = [
                (
                    #"{"mirrorInfo":{"port":"eth2"},"targetObject":{"attachment":1,"mirrObjName":"eth0"}}"#,
                    "mirrorIdent"
                ),
                (#"{"mirrorIdent":"m","mirrorInfo":{"type":"span"}}"#, "mirrorInfo.type"),
                (
                    #"{"mirrorIdent":"m","mirrorInfo":{"type":1,"port":"eth2"},"targetObject":{"attachment":1,"#
                        + #""mirrObjName":"eth0"}}"#, "mirrorInfo.vlan"
                ),
                (
                    #"{"mirrorIdent":"m","mirrorInfo":{"port":"nope"},"targetObject":{"attachment":1,"#
                        + #""mirrObjName":"eth0"}}"#, "mirrorInfo.port"
                ),
                (
                    #"{"mirrorIdent":"m","mirrorInfo":{"port":"eth2"},"targetObject":{"attachment":0}}"#,
                    "targetObject.attachment"
                ),
                ("null", "body"),
            ]
            for (body, field) in bad {
                let response = try await client.post("/netlox/v1/config/mirror", body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.errorModel().fields == [field], "\(body)")
            }
            #expect(try await client.delete("/netlox/v1/config/mirror/ident/a%2Fb").status == .badRequest)
            #expect(await datapath.attachments.isEmpty)
            #expect(try await persistence.loadMirrors().isEmpty)
        }
    }

    @Test("without a mirror store every path is a 503")
    func unavailable() async throws {
        let app = Application(router: makeRouter(store: APITestHarness().store, version: APITestHarness.version))
        try await app.test(.router) { client throws in
            #expect(try await client.get("/netlox/v1/config/mirror/all").status == .serviceUnavailable)
            #expect(try await client.post("/netlox/v1/config/mirror", Self.mirror).status == .serviceUnavailable)
        }
    }
}
