import Foundation
import GRDB
import SwiftLBCore

/// Firewall rules in the same database as the load-balancer rules: `fw_rule`, one row per rule id,
/// holding the validated loxilb JSON.
extension SQLiteConfigStore: FirewallConfigStore {
    static func registerFirewallMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-firewall") { db in
            try db.execute(
                sql: """
                    CREATE TABLE fw_rule (
                        id INTEGER PRIMARY KEY NOT NULL,
                        entry_json TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    )
                    """)
        }
    }

    /// Every stored rule, by id.
    public func loadFirewall() async throws(ConfigStoreError) -> [StoredFirewallRule] {
        let rows: [(Int, String)]
        do {
            rows = try await queue.read { db in
                try Row.fetchAll(db, sql: "SELECT id, entry_json FROM fw_rule ORDER BY id").map {
                    (($0["id"] as Int), ($0["entry_json"] as String))
                }
            }
        } catch {
            throw ConfigStoreError(operation: "loading firewall rules from \(path)", reason: Self.describe(error))
        }
        var rules: [StoredFirewallRule] = []
        for (id, json) in rows {
            do {
                rules.append(
                    StoredFirewallRule(id: id, entry: try LoxiJSON.decode(FirewallEntry.self, from: Data(json.utf8))))
            } catch {
                throw ConfigStoreError(operation: "loading firewall rule \(id) from \(path)", reason: error.message)
            }
        }
        return rules
    }

    /// Inserts or replaces `rules` in one transaction; durable when it returns.
    public func saveFirewall(_ rules: [StoredFirewallRule]) async throws(ConfigStoreError) {
        let rows = rules.map { ($0.id, String(decoding: LoxiJSON.encode($0.entry), as: UTF8.self)) }
        let now = Date().formatted(.iso8601)
        try await write("saving \(rules.count) firewall rules to \(path)") { db in
            for (id, json) in rows {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO fw_rule (id, entry_json, updated_at) VALUES (?, ?, ?)",
                    arguments: [id, json, now])
            }
        }
    }

    /// Deletes the rule with `id`; an absent one is not an error.
    public func deleteFirewall(id: Int) async throws(ConfigStoreError) {
        try await write("deleting firewall rule \(id) from \(path)") { db in
            try db.execute(sql: "DELETE FROM fw_rule WHERE id = ?", arguments: [id])
        }
    }
}
