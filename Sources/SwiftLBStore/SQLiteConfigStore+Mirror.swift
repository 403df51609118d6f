import Foundation
import GRDB
import SwiftLBCore

/// Mirrors in the same database as the load-balancer rules: `mirror`, one row per mirror id,
/// holding the validated loxilb JSON.
extension SQLiteConfigStore: MirrorConfigStore {
    static func registerMirrorMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-mirror") { db in
            try db.execute(
                sql: """
                    CREATE TABLE mirror (
                        id INTEGER PRIMARY KEY NOT NULL,
                        entry_json TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    )
                    """)
        }
    }

    /// Every stored mirror, by id.
    public func loadMirrors() async throws(ConfigStoreError) -> [StoredMirror] {
        let rows: [(Int, String)]
        do {
            rows = try await queue.read { db in
                try Row.fetchAll(db, sql: "SELECT id, entry_json FROM mirror ORDER BY id").map {
                    (($0["id"] as Int), ($0["entry_json"] as String))
                }
            }
        } catch {
            throw ConfigStoreError(operation: "loading mirrors from \(path)", reason: Self.describe(error))
        }
        var mirrors: [StoredMirror] = []
        for (id, json) in rows {
            do {
                let entry = try LoxiJSON.decode(MirrorEntry.self, from: Data(json.utf8))
                mirrors.append(StoredMirror(id: id, entry: entry.configuration))
            } catch {
                throw ConfigStoreError(operation: "loading mirror \(id) from \(path)", reason: error.message)
            }
        }
        return mirrors
    }

    /// Inserts or replaces `mirror`; durable when it returns.
    public func saveMirror(_ mirror: StoredMirror) async throws(ConfigStoreError) {
        let json = String(decoding: LoxiJSON.encode(mirror.entry.configuration), as: UTF8.self)
        let now = Date().formatted(.iso8601)
        try await write("saving mirror \(mirror.entry.mirrorIdent) to \(path)") { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO mirror (id, entry_json, updated_at) VALUES (?, ?, ?)",
                arguments: [mirror.id, json, now])
        }
    }

    /// Deletes the mirror with `id`; an absent one is not an error.
    public func deleteMirror(id: Int) async throws(ConfigStoreError) {
        try await write("deleting mirror \(id) from \(path)") { db in
            try db.execute(sql: "DELETE FROM mirror WHERE id = ?", arguments: [id])
        }
    }
}
