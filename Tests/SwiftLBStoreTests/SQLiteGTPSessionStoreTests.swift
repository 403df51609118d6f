import Foundation
import SwiftLBCore
import SwiftLBStore
import Testing

@Suite("SQLite GTP-U sessions")
struct SQLiteGTPSessionStoreTests {
    @Test("sessions are saved, replaced by id, deleted, and restored into a new store after reopening")
    func roundTrip() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slb-gtp-\(UUID().uuidString).db").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let entry = { (ident: String, ue: String, core: Int) in
            SessionEntry(
                ident: ident, sessionIP: ue, accessNetworkTunnel: SessionTunnelEntry(teid: 512, tunnelIP: "10.10.1.2"),
                coreNetworkTunnel: SessionTunnelEntry(teid: core, tunnelIP: "10.10.1.1"))
        }
        let classifier = SessionUlClArgument(qfi: 9, ulclIP: "10.10.2.11")
        do {
            let store = try SQLiteConfigStore(path: path)
            try await store.saveGTPSession(
                StoredGTPSession(id: 1, entry: entry("a", "10.45.0.2", 256), classifiers: []))
            try await store.saveGTPSession(
                StoredGTPSession(id: 2, entry: entry("b", "10.45.0.3", 257), classifiers: []))
            try await store.saveGTPSession(
                StoredGTPSession(id: 2, entry: entry("b", "10.45.0.3", 257), classifiers: [classifier]))
            try await store.deleteGTPSession(id: 1)
            try await store.deleteGTPSession(id: 99)
        }
        let reopened = try SQLiteConfigStore(path: path)
        let loaded = try await reopened.loadGTPSessions()
        #expect(loaded == [StoredGTPSession(id: 2, entry: entry("b", "10.45.0.3", 257), classifiers: [classifier])])
        // A store restored from it programs the session with its classifier under the same id.
        let datapath = InMemoryGTPSessionDatapath()
        let sessions = GTPSessionStore(persistence: reopened, datapath: datapath)
        #expect(try await sessions.restore() == 1)
        let programmed = try #require(await datapath.sessions[2])
        #expect(programmed.ident == "b" && programmed.coreTunnel.teid == 257)
        #expect(programmed.classifiers == [GTPClassifier(qfi: 9, address: .v4(0x0a0a_020b))])
    }
}
