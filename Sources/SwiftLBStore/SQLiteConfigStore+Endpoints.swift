import Foundation
import GRDB
import SwiftLBCore

/// Endpoint entries (`/netlox/v1/config/endpoint`) in table `ep_host`: one row per entry name, the
/// normalized entry as loxilb JSON. Written with the same durability as the rules.
extension SQLiteConfigStore: EndpointConfigStore {
    /// Every stored endpoint entry, sorted by name.
    public func loadEndpoints() async throws(ConfigStoreError) -> [EndPointEntry] {
        let rows: [(String, String)]
        do {
            rows = try await queue.read { db in
                try Row.fetchAll(db, sql: "SELECT name, entry_json FROM ep_host ORDER BY name").map {
                    (($0["name"] as String), ($0["entry_json"] as String))
                }
            }
        } catch {
            throw ConfigStoreError(operation: "loading endpoints from \(path)", reason: Self.describe(error))
        }
        var entries: [EndPointEntry] = []
        for (name, json) in rows {
            do {
                entries.append(try LoxiJSON.decode(EndPointEntry.self, from: Data(json.utf8)))
            } catch {
                throw ConfigStoreError(
                    operation: "loading endpoint \(name) from \(path)",
                    reason: "its entry_json is unreadable (\(error.message)); fix or delete that row in ep_host, "
                        + "then restart")
            }
        }
        return entries
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
