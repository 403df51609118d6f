import Foundation
import GRDB
import SwiftLBCore

/// BGP configuration in the same database as the rules: `bgp_global` (at most one row, id 1) and
/// `bgp_neighbor` (one row per neighbor address), each holding loxilb JSON.
extension SQLiteConfigStore: BGPConfigStore {
    static func registerBGPMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-bgp") { db in
            try db.execute(
                sql: """
                    CREATE TABLE bgp_global (
                        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                        config_json TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    );
                    CREATE TABLE bgp_neighbor (
                        address TEXT PRIMARY KEY NOT NULL,
                        config_json TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    )
                    """)
        }
    }

    /// The stored global settings and neighbors (sorted by address).
    public func loadBGP() async throws(ConfigStoreError) -> BGPStoredConfig {
        let rows: (global: String?, neighbors: [(String, String)])
        do {
            rows = try await queue.read { db in
                let global = try String.fetchOne(db, sql: "SELECT config_json FROM bgp_global WHERE id = 1")
                let neighbors = try Row.fetchAll(db, sql: "SELECT address, config_json FROM bgp_neighbor")
                    .map { (row: Row) -> (String, String) in (row["address"], row["config_json"]) }
                return (global, neighbors)
            }
        } catch {
            throw ConfigStoreError(operation: "loading BGP config from \(path)", reason: Self.describe(error))
        }
        var config = BGPStoredConfig()
        if let json = rows.global {
            config.global = try decode(BGPGlobalConfig.self, json, what: "the BGP global config (table bgp_global)")
        }
        for (address, json) in rows.neighbors {
            config.neighbors.append(
                try decode(BGPNeighbor.self, json, what: "BGP neighbor \(address) (table bgp_neighbor)"))
        }
        config.neighbors.sort { $0.ipAddress < $1.ipAddress }
        return config
    }

    /// Stores the global settings, replacing earlier ones; durable when it returns.
    public func saveBGPGlobal(_ global: BGPGlobalConfig) async throws(ConfigStoreError) {
        let json = String(decoding: LoxiJSON.encode(global), as: UTF8.self)
        try await write("saving the BGP global config to \(path)") { db in
            try db.execute(
                sql: """
                    INSERT INTO bgp_global (id, config_json, updated_at)
                    VALUES (1, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                    ON CONFLICT (id) DO UPDATE SET config_json = excluded.config_json,
                        updated_at = excluded.updated_at
                    """,
                arguments: [json])
        }
    }

    /// Inserts or replaces the neighbor with the same address; durable when it returns.
    public func saveBGPNeighbor(_ neighbor: BGPNeighbor) async throws(ConfigStoreError) {
        try await upsertJSON(
            table: "bgp_neighbor", key: ("address", neighbor.ipAddress),
            json: ("config_json", LoxiJSON.encode(neighbor)),
            what: "BGP neighbor \(neighbor.ipAddress)")
    }

    /// Deletes the neighbor with this address; deleting an absent one is not an error.
    public func deleteBGPNeighbor(ipAddress: String) async throws(ConfigStoreError) {
        try await write("deleting BGP neighbor \(ipAddress) from \(path)") { db in
            try db.execute(sql: "DELETE FROM bgp_neighbor WHERE address = ?", arguments: [ipAddress])
        }
    }

    /// Inserts the row `key` of `table` with its JSON column, or replaces that column; durable when
    /// it returns. `table` and the column names are the callers' constants, never input.
    func upsertJSON(
        table: String, key: (column: String, value: String), json: (column: String, value: Data), what: String
    ) async throws(ConfigStoreError) {
        let text = String(decoding: json.value, as: UTF8.self)
        try await write("saving \(what) to \(path)") { db in
            try db.execute(
                sql: """
                    INSERT INTO \(table) (\(key.column), \(json.column), updated_at)
                    VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                    ON CONFLICT (\(key.column)) DO UPDATE SET \(json.column) = excluded.\(json.column),
                        updated_at = excluded.updated_at
                    """,
                arguments: [key.value, text])
        }
    }

    /// Every row of `table` decoded from its JSON column, in key order; `what` names the rows in
    /// errors ("BFD sessions"), `one` a row ("BFD session").
    func loadJSONRows<T: Decodable>(
        _ type: T.Type, table: String, key: String, json: String, what: String, one: String
    ) async throws(ConfigStoreError) -> [T] {
        let rows: [(String, String)]
        do {
            rows = try await queue.read { db in
                try Row.fetchAll(db, sql: "SELECT \(key), \(json) FROM \(table) ORDER BY \(key)")
                    .map { (row: Row) -> (String, String) in (row[key], row[json]) }
            }
        } catch {
            throw ConfigStoreError(operation: "loading \(what) from \(path)", reason: Self.describe(error))
        }
        var values: [T] = []
        for (name, text) in rows { values.append(try decode(type, text, what: "\(one) \(name) (table \(table))")) }
        return values
    }

    /// Runs `body` in a write transaction; a failure says which `operation` failed.
    func write(
        _ operation: String, _ body: @escaping @Sendable (Database) throws -> Void
    ) async throws(ConfigStoreError) {
        do {
            try await queue.write(body)
        } catch {
            throw ConfigStoreError(operation: operation, reason: Self.describe(error))
        }
    }

    /// Decodes a stored JSON row; a failure names `what` and says how to recover.
    func decode<T: Decodable>(_ type: T.Type, _ json: String, what: String) throws(ConfigStoreError) -> T {
        do {
            return try LoxiJSON.decode(type, from: Data(json.utf8))
        } catch {
            throw ConfigStoreError(
                operation: "loading \(what) from \(path)",
                reason: "its JSON is unreadable (\(error.message)); fix or delete that row, then restart")
        }
    }
}
