import Foundation
import SwiftLBCore
import SwiftLBStore
import Testing

@Suite("SQLite firewall rules")
struct SQLiteFirewallStoreTests {
    @Test("rules are saved, replaced by id, deleted, and read back after reopening")
    func roundTrip() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slb-fw-\(UUID().uuidString).db").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let rule = { (source: String, drop: Bool) in
            FirewallEntry(
                ruleArguments: FirewallRuleArguments(sourceIP: source, destinationIP: "0.0.0.0/0", preference: 7),
                opts: FirewallOptions(drop: drop, allow: !drop))
        }
        do {
            let store = try SQLiteConfigStore(path: path)
            try await store.saveFirewall([
                StoredFirewallRule(id: 2, entry: rule("10.0.0.0/8", true)),
                StoredFirewallRule(id: 1, entry: rule("fd00::/8", true)),
            ])
            try await store.saveFirewall([StoredFirewallRule(id: 2, entry: rule("10.0.0.0/8", false))])
            try await store.deleteFirewall(id: 1)
            try await store.deleteFirewall(id: 99)
        }
        let reopened = try SQLiteConfigStore(path: path)
        #expect(try await reopened.loadFirewall() == [StoredFirewallRule(id: 2, entry: rule("10.0.0.0/8", false))])
    }
}
