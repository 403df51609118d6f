import Foundation
import SwiftLBCore
import SwiftLBStore
import Testing

@Suite("SQLite QoS policies")
struct SQLitePolicyStoreTests {
    @Test("policies are saved, replaced by id, deleted, and restored by a new store after reopening")
    func roundTrip() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slb-pol-\(UUID().uuidString).db").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let entry = { (ident: String, cir: Int) in
            PolicyEntry(
                policyIdent: ident, policyInfo: PolicyInfo(committedInfoRate: cir, peakInfoRate: 400),
                targetObject: PolicyTarget(polObjName: "web", attachment: 2))
        }
        do {
            let store = try SQLiteConfigStore(path: path)
            let policies = PolicyStore(
                persistence: store, datapath: InMemoryPolicyDatapath(), rules: { ["web": [5]] })
            try await policies.add(entry("a", 100))
            try await policies.add(entry("a", 200))
            try await store.savePolicy(StoredPolicy(id: 9, entry: entry("b", 10)))
            try await store.deletePolicy(id: 9)
            try await store.deletePolicy(id: 99)
        }
        let reopened = try SQLiteConfigStore(path: path)
        let stored = try await reopened.loadPolicies()
        #expect(stored.map(\.id) == [1] && stored[0].entry.policyInfo.committedInfoRate == 200)
        #expect(stored[0].entry.policyInfo.committedBlkSize == 30_000_000)
        let datapath = InMemoryPolicyDatapath()
        let restored = PolicyStore(persistence: reopened, datapath: datapath, rules: { ["web": [5]] })
        #expect(try await restored.restore() == 1)
        #expect(await datapath.state.services == [5: 1])
    }
}
