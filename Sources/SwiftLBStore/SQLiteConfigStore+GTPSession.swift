import Foundation
import GRDB
import SwiftLBCore

/// GTP-U sessions in the same database as the load-balancer rules: `gtp_session`, one row per
/// session id, holding the validated loxilb session JSON and its classifiers.
extension SQLiteConfigStore: GTPSessionConfigStore {
    static func registerGTPSessionMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-gtp-session") { db in
            try db.execute(
                sql: """
                    CREATE TABLE gtp_session (
                        id INTEGER PRIMARY KEY NOT NULL,
                        session_json TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    )
                    """)
        }
    }

    /// Every stored session, by id.
    public func loadGTPSessions() async throws(ConfigStoreError) -> [StoredGTPSession] {
        let rows: [(Int, String)]
        do {
            rows = try await queue.read { db in
                try Row.fetchAll(db, sql: "SELECT id, session_json FROM gtp_session ORDER BY id").map {
                    (($0["id"] as Int), ($0["session_json"] as String))
                }
            }
        } catch {
            throw ConfigStoreError(operation: "loading GTP-U sessions from \(path)", reason: Self.describe(error))
        }
        var sessions: [StoredGTPSession] = []
        for (id, json) in rows {
            do {
                var stored = try JSONDecoder().decode(StoredGTPSession.self, from: Data(json.utf8))
                stored.id = id
                sessions.append(stored)
            } catch {
                throw ConfigStoreError(operation: "loading GTP-U session \(id) from \(path)", reason: "\(error)")
            }
        }
        return sessions
    }

    /// Inserts or replaces `session`; durable when it returns.
    public func saveGTPSession(_ session: StoredGTPSession) async throws(ConfigStoreError) {
        let json: String
        do {
            json = String(decoding: try JSONEncoder().encode(session), as: UTF8.self)
        } catch {
            throw ConfigStoreError(operation: "encoding GTP-U session \(session.id)", reason: "\(error)")
        }
        let now = Date().formatted(.iso8601)
        try await write("saving GTP-U session \(session.id) to \(path)") { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO gtp_session (id, session_json, updated_at) VALUES (?, ?, ?)",
                arguments: [session.id, json, now])
        }
    }

    /// Deletes the session with `id`; an absent one is not an error.
    public func deleteGTPSession(id: Int) async throws(ConfigStoreError) {
        try await write("deleting GTP-U session \(id) from \(path)") { db in
            try db.execute(sql: "DELETE FROM gtp_session WHERE id = ?", arguments: [id])
        }
    }
}
