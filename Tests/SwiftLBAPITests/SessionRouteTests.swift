import Foundation
import Hummingbird
import HummingbirdTesting
import SwiftLBCore
import Testing

@testable import SwiftLBAPI

/// loxilb's session and sessionulcl paths over a `GTPSessionStore` with in-memory storage and
/// datapath.
@Suite("GTP-U session API paths")
struct SessionRouteTests {
    static func withSessions(
        _ test:
            @Sendable (any TestClientProtocol, InMemoryGTPSessionDatapath, InMemoryGTPSessionConfigStore) async throws
            -> Void
    ) async throws {
        let harness = APITestHarness()
        let persistence = InMemoryGTPSessionConfigStore()
        let datapath = InMemoryGTPSessionDatapath()
        let sessions = GTPSessionStore(persistence: persistence, datapath: datapath)
        let app = Application(
            router: makeRouter(
                store: harness.store, version: APITestHarness.version, features: APIFeatures(sessions: sessions)))
        try await app.test(.router) { client in try await test(client, datapath, persistence) }
    }

    static let session =
        #"{"ident":"user1","sessionIP":"10.45.0.2","accessNetworkTunnel":{"TeID":512,"tunnelIP":"10.10.1.2"},"#
        + #""coreNetworkTunnel":{"teID":256,"tunnelIP":"10.10.1.1"}}"#
    static let classifier = #"{"ulclIdent":"user1","ulclArgument":{"qfi":9,"ulclIP":"10.10.2.11"}}"#

    @Test("POST stores and programs, GET lists with counters in loxilb's spelling, /metrics, DELETEs remove")
    func lifecycle() async throws {
        try await Self.withSessions { client, datapath, persistence in
            #expect(try await client.post("/netlox/v1/config/session", Self.session).status == .ok)
            #expect(try await client.post("/netlox/v1/config/session", Self.session).status == .conflict)
            #expect(try await client.post("/netlox/v1/config/sessionulcl", Self.classifier).status == .ok)
            #expect(try await client.post("/netlox/v1/config/sessionulcl", Self.classifier).status == .conflict)
            let programmed = try #require(await datapath.sessions[1])
            #expect(programmed.coreTunnel == GTPTunnel(teid: 256, address: .v4(0x0a0a_0101)))
            #expect(programmed.classifiers == [GTPClassifier(qfi: 9, address: .v4(0x0a0a_020b))])
            #expect(try await persistence.loadGTPSessions().first?.classifiers.count == 1)
            await datapath.count(id: 1, GTPSessionCounter(uplinkPackets: 3, uplinkBytes: 120, downlinkPackets: 2))
            let list = try await client.get("/netlox/v1/config/session/all")
            #expect(list.text.contains(#""accessNetworkTunnel":{"TeID":512,"tunnelIP":"10.10.1.2"}"#))
            #expect(list.text.contains(#""coreNetworkTunnel":{"teID":256,"tunnelIP":"10.10.1.1"}"#))
            let entries = try list.decode(SessionList.self).sessionAttr
            #expect(entries.count == 1 && entries[0].uplinkCounter == "3:120" && entries[0].downlinkCounter == "2:0")
            let ulcls = try await client.get("/netlox/v1/config/sessionulcl/all").decode(SessionUlClList.self)
            #expect(
                ulcls.ulclAttr == [
                    SessionUlClEntry(ulclIdent: "user1", ulclArgument: .init(qfi: 9, ulclIP: "10.10.2.11"))
                ])
            let metrics = try await client.get("/metrics").text
            #expect(
                metrics.contains(
                    #"swiftlb_gtpu_session_packets_total{ident="user1",ue="10.45.0.2",direction="uplink"} 3"#))
            let path = "/netlox/v1/config/sessionulcl/ident/user1/ulclAddress/10.10.2.11"
            #expect(try await client.delete(path).status == .ok)
            #expect(try await client.delete(path).status == .notFound)
            #expect(await datapath.sessions[1]?.classifiers.isEmpty == true)
            #expect(try await client.delete("/netlox/v1/config/session/ident/user1").status == .ok)
            #expect(try await client.delete("/netlox/v1/config/session/ident/user1").status == .notFound)
            #expect(await datapath.sessions.isEmpty)
            #expect(try await persistence.loadGTPSessions().isEmpty)
        }
    }

    @Test("bad bodies are 400s naming the field and change nothing")
    func refusals() async throws {
        try await Self.withSessions { client, datapath, persistence in
            let tunnels =
                #""accessNetworkTunnel":{"TeID":512,"tunnelIP":"10.10.1.2"},"coreNetworkTunnel":{"teID":256,"tunnelIP":"10.10.1.1"}"#
            let bad = [
                (#"{"sessionIP":"10.45.0.2","# + tunnels + "}", "ident"),
                (#"{"ident":"u","sessionIP":"fd00::1","# + tunnels + "}", "sessionIP"),
                (
                    #"{"ident":"u","sessionIP":"10.45.0.2","coreNetworkTunnel":{"teID":1,"tunnelIP":"10.10.1.1"}}"#,
                    "accessNetworkTunnel.teID"
                ),
                (
                    #"{"ident":"u","sessionIP":"10.45.0.2","accessNetworkTunnel":{"TeID":5,"tunnelIP":"10.10.1.2"},"#
                        + #""coreNetworkTunnel":{"teID":4294967296,"tunnelIP":"10.10.1.1"}}"#, "coreNetworkTunnel.teID"
                ),
                (
                    #"{"ident":"u","sessionIP":"10.45.0.2","accessNetworkTunnel":{"TeID":5,"tunnelIP":"10.10.1.2"},"#
                        + #""coreNetworkTunnel":{"teID":4,"tunnelIP":"224.0.0.1"}}"#, "coreNetworkTunnel.tunnelIP"
                ),
                ("null", "body"),
            ]
            for (body, field) in bad {
                let response = try await client.post("/netlox/v1/config/session", body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.errorModel().fields == [field], "\(body)")
            }
            #expect(try await client.post("/netlox/v1/config/session", Self.session).status == .ok)
            let badClassifiers = [
                (#"{"ulclIdent":"user1","ulclArgument":{"qfi":64,"ulclIP":"10.10.2.11"}}"#, "ulclArgument.qfi"),
                (#"{"ulclIdent":"user1","ulclArgument":{"qfi":9,"ulclIP":"x"}}"#, "ulclArgument.ulclIP"),
                (#"{"ulclArgument":{"qfi":9,"ulclIP":"10.10.2.11"}}"#, "ulclIdent"),
            ]
            for (body, field) in badClassifiers {
                let response = try await client.post("/netlox/v1/config/sessionulcl", body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.errorModel().fields == [field], "\(body)")
            }
            let orphan = #"{"ulclIdent":"nobody","ulclArgument":{"qfi":9,"ulclIP":"10.10.2.11"}}"#
            #expect(try await client.post("/netlox/v1/config/sessionulcl", orphan).status == .notFound)
            // Another session with the same UE or core tunnel conflicts.
            let sameUE = Self.session.replacingOccurrences(of: "user1", with: "user2")
                .replacingOccurrences(of: #""teID":256"#, with: #""teID":257"#)
            #expect(try await client.post("/netlox/v1/config/session", sameUE).status == .conflict)
            #expect(await datapath.sessions.count == 1)
            #expect(await datapath.sessions[1]?.classifiers.isEmpty == true)
            #expect(try await persistence.loadGTPSessions().count == 1)
        }
    }

    @Test("a restored store programs what was stored; a datapath failure changes nothing")
    func restoreAndFailure() async throws {
        let persistence = InMemoryGTPSessionConfigStore()
        let datapath = InMemoryGTPSessionDatapath()
        let first = GTPSessionStore(persistence: persistence, datapath: datapath)
        let entry = try LoxiJSON.decode(SessionEntry.self, from: Data(Self.session.utf8))
        try await first.add(entry)
        try await first.addClassifier(try LoxiJSON.decode(SessionUlClEntry.self, from: Data(Self.classifier.utf8)))
        let again = InMemoryGTPSessionDatapath()
        let second = GTPSessionStore(persistence: persistence, datapath: again)
        #expect(try await second.restore() == 1)
        #expect(await again.sessions == (await datapath.sessions))
        await again.setFailure(DatapathError(.failed, "map full"))
        await #expect(throws: APIError.self) { try await second.delete(ident: "user1") }
        #expect(await second.count == 1)
        #expect(try await persistence.loadGTPSessions().count == 1)
    }

    @Test("without a session store the paths answer 503")
    func unavailable() async throws {
        try await APITestHarness().run { client in
            let response = try await client.get("/netlox/v1/config/session/all")
            #expect(response.status == .serviceUnavailable)
        }
    }
}
