import Foundation
import GRDB
import SwiftLBCore

/// QoS policies in the same database as the load-balancer rules: `qos_policy`, one row per
/// policer id, holding the validated loxilb JSON (defaults filled in).
extension SQLiteConfigStore: PolicyConfigStore {
    static func registerPolicyMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-policy") { db in
            try db.execute(
                sql: """
                    CREATE TABLE qos_policy (
                        id INTEGER PRIMARY KEY NOT NULL,
                        entry_json TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    )
                    """)
        }
    }

    /// Every stored policy, by id.
    public func loadPolicies() async throws(ConfigStoreError) -> [StoredPolicy] {
        let rows: [(Int, String)]
        do {
            rows = try await queue.read { db in
                try Row.fetchAll(db, sql: "SELECT id, entry_json FROM qos_policy ORDER BY id").map {
                    (($0["id"] as Int), ($0["entry_json"] as String))
                }
            }
        } catch {
            throw ConfigStoreError(operation: "loading policies from \(path)", reason: Self.describe(error))
        }
        var policies: [StoredPolicy] = []
        for (id, json) in rows {
            do {
                policies.append(
                    StoredPolicy(id: id, entry: try LoxiJSON.decode(PolicyEntry.self, from: Data(json.utf8))))
            } catch {
                throw ConfigStoreError(operation: "loading policy \(id) from \(path)", reason: error.message)
            }
        }
        return policies
    }

    /// Inserts or replaces `policy`; durable when it returns.
    public func savePolicy(_ policy: StoredPolicy) async throws(ConfigStoreError) {
        let json = String(decoding: LoxiJSON.encode(policy.entry), as: UTF8.self)
        let now = Date().formatted(.iso8601)
        try await write("saving policy \(policy.entry.policyIdent) to \(path)") { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO qos_policy (id, entry_json, updated_at) VALUES (?, ?, ?)",
                arguments: [policy.id, json, now])
        }
    }

    /// Deletes the policy with `id`; an absent one is not an error.
    public func deletePolicy(id: Int) async throws(ConfigStoreError) {
        try await write("deleting policy \(id) from \(path)") { db in
            try db.execute(sql: "DELETE FROM qos_policy WHERE id = ?", arguments: [id])
        }
    }
}
