import Foundation
import GRDB
import SwiftLBCore

/// HA instances in the same database as the rules: `ha_instance`, one row per instance, holding
/// the requested state as loxilb JSON (validated).
extension SQLiteConfigStore: HAConfigStore {
    static func registerHAMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-ha") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ha_instance (
                        instance TEXT PRIMARY KEY NOT NULL,
                        state_json TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    )
                    """)
        }
    }

    /// Every stored instance, sorted by name.
    public func loadHA() async throws(ConfigStoreError) -> [HAInstanceState] {
        try await loadJSONRows(
            HAInstanceState.self, table: "ha_instance", key: "instance", json: "state_json", what: "HA instances",
            one: "HA instance")
    }

    /// Inserts or replaces the instance; durable when it returns.
    public func saveHA(_ state: HAInstanceState) async throws(ConfigStoreError) {
        try await upsertJSON(
            table: "ha_instance", key: ("instance", state.instance), json: ("state_json", LoxiJSON.encode(state)),
            what: "HA instance \(state.instance)")
    }
}
