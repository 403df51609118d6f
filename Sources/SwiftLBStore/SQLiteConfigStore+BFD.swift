import Foundation
import GRDB
import SwiftLBCore

/// BFD sessions in the same database as the rules: `bfd_session`, one row per peer address,
/// holding loxilb JSON (validated, defaults filled in).
extension SQLiteConfigStore: BFDConfigStore {
    static func registerBFDMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-bfd") { db in
            try db.execute(
                sql: """
                    CREATE TABLE bfd_session (
                        remote_ip TEXT PRIMARY KEY NOT NULL,
                        config_json TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    )
                    """)
        }
    }

    /// Every stored session, sorted by peer address.
    public func loadBFD() async throws(ConfigStoreError) -> [BFDSessionConfig] {
        try await loadJSONRows(
            BFDSessionConfig.self, table: "bfd_session", key: "remote_ip", json: "config_json", what: "BFD sessions",
            one: "BFD session")
    }

    /// Inserts or replaces the session with the same peer; durable when it returns.
    public func saveBFD(_ config: BFDSessionConfig) async throws(ConfigStoreError) {
        try await upsertJSON(
            table: "bfd_session", key: ("remote_ip", config.remoteIp), json: ("config_json", LoxiJSON.encode(config)),
            what: "BFD session \(config.remoteIp)")
    }

    /// Deletes the session with this peer; deleting an absent one is not an error.
    public func deleteBFD(remoteIp: String) async throws(ConfigStoreError) {
        try await write("deleting BFD session \(remoteIp) from \(path)") { db in
            try db.execute(sql: "DELETE FROM bfd_session WHERE remote_ip = ?", arguments: [remoteIp])
        }
    }
}
