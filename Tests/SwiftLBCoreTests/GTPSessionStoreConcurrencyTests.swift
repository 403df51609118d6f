import SwiftLBCore
import Testing

/// Storage that lets other tasks run before each write, as SQLite's does while it waits for its
/// writer.
struct YieldingGTPSessionConfigStore: GTPSessionConfigStore {
    let inner = InMemoryGTPSessionConfigStore()

    func loadGTPSessions() async throws(ConfigStoreError) -> [StoredGTPSession] {
        try await inner.loadGTPSessions()
    }

    func saveGTPSession(_ session: StoredGTPSession) async throws(ConfigStoreError) {
        await Task.yield()
        try await inner.saveGTPSession(session)
    }

    func deleteGTPSession(id: Int) async throws(ConfigStoreError) {
        await Task.yield()
        try await inner.deleteGTPSession(id: id)
    }
}

@Suite("GTP-U session store: concurrent changes")
struct GTPSessionStoreConcurrencyTests {
    @Test("classifiers posted at once to one session are all kept, in memory and stored")
    func concurrentClassifiers() async throws {
        let persistence = YieldingGTPSessionConfigStore()
        let store = GTPSessionStore(persistence: persistence, datapath: InMemoryGTPSessionDatapath())
        try await store.add(
            SessionEntry(
                ident: "user1", sessionIP: "10.45.0.2",
                accessNetworkTunnel: SessionTunnelEntry(teid: 512, tunnelIP: "10.10.1.2"),
                coreNetworkTunnel: SessionTunnelEntry(teid: 256, tunnelIP: "10.10.1.1")))
        // Each change awaits its write: without one change at a time, every POST
        // reads the session before the others commit and all but one classifier are lost.
        let qfis = Array(1...24)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for qfi in qfis {
                group.addTask {
                    try await store.addClassifier(
                        SessionUlClEntry(
                            ulclIdent: "user1", ulclArgument: SessionUlClArgument(qfi: qfi, ulclIP: "10.10.2.\(qfi)")))
                }
            }
            try await group.waitForAll()
        }
        #expect(await store.classifierEntries().map(\.ulclArgument.qfi).sorted() == qfis)
        let stored = try await persistence.loadGTPSessions()
        #expect(stored.first?.classifiers.map(\.qfi).sorted() == qfis)
    }
}
