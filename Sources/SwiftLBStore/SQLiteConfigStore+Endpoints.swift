import Foundation
import GRDB
import SwiftLBCore

/// Endpoint entries (`/netlox/v1/config/endpoint`) in table `ep_host`: one row per entry name, the
/// normalized entry as loxilb JSON. Written with the same durability as the rules.
extension SQLiteConfigStore: EndpointConfigStore {
    /// Every stored endpoint entry, sorted by name.
    public func loadEndpoints() async throws(ConfigStoreError) -> [EndPointEntry] {
        try await loadJSONRows(
            EndPointEntry.self, table: "ep_host", key: "name", json: "entry_json", what: "endpoints", one: "endpoint")
    }

    /// Inserts or replaces the entry with the same name; durable when it returns.
    public func saveEndpoint(_ entry: EndPointEntry) async throws(ConfigStoreError) {
        try await upsertJSON(
            table: "ep_host", key: ("name", entry.name), json: ("entry_json", LoxiJSON.encode(entry)),
            what: "endpoint \(entry.name)")
    }

    /// Deletes the entry named `name`; deleting an absent name is not an error.
    public func deleteEndpoint(name: String) async throws(ConfigStoreError) {
        do {
            try await queue.write { db in
                try db.execute(sql: "DELETE FROM ep_host WHERE name = ?", arguments: [name])
            }
        } catch {
            throw ConfigStoreError(operation: "deleting endpoint \(name) from \(path)", reason: Self.describe(error))
        }
    }

    /// Adds table `ep_host` (an additive migration: databases written before it keep their rules).
    static func registerEndpointMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-ep-host") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ep_host (
                        name TEXT PRIMARY KEY NOT NULL,
                        entry_json TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    )
                    """)
        }
    }
}
