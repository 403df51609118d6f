import Foundation
import GRDB
import SwiftLBCore

/// The production `ConfigStore`: one SQLite database, written through GRDB.
///
/// The database runs in WAL mode with `synchronous = FULL`, so every acknowledged write has been
/// fsynced and survives a SIGKILL or a power loss. Each rule is one row of `lb_rule`: its key, its
/// service id (unique) and its entry as loxilb JSON.
public final class SQLiteConfigStore: ConfigStore {
    /// The database file.
    public let path: String
    // Internal so that the per-subsystem extensions (SQLiteConfigStore+BGP) share the connection.
    let queue: DatabaseQueue

    /// Opens (creating when needed) the database at `path`, creating missing parent directories.
    /// Throws a `ConfigStoreError` naming the path when it cannot be created, opened or written.
    public init(path: String) throws(ConfigStoreError) {
        self.path = path
        let operation = "opening the config database at \(path)"
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ConfigStoreError(
                operation: operation,
                reason: "its directory \(directory.path) cannot be created (\(Self.describe(error))); choose a "
                    + "writable location or fix the permissions")
        }
        var configuration = Configuration()
        configuration.label = "swiftlb-config"
        // WAL is set here rather than with `configuration.journalMode = .wal`, because GRDB then lowers
        // `synchronous` to NORMAL, which may lose the last commits on power loss. FULL fsyncs each commit.
        configuration.prepareDatabase { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            guard mode == "wal" else {
                throw DatabaseError(message: "SQLite refused WAL journaling (journal_mode is \(mode ?? "unknown"))")
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // SQLite's default page cache (2 MiB) held 1.9 MiB with 10,000 rules: the file's pages
            // are in the kernel's page cache anyway, and a write touches a few of them.
            try db.execute(sql: "PRAGMA cache_size = -\(Self.pageCacheKiB)")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
        } catch {
            throw ConfigStoreError(
                operation: operation,
                reason: "\(Self.describe(error)); check that the file and its directory are writable by this user "
                    + "and that the file is a SwiftLB database")
        }
    }

    /// Every stored record, sorted by key.
    public func loadAll() async throws(ConfigStoreError) -> [ConfigRecord] {
        let rows: [StoredRow]
        do {
            rows = try await queue.read { db in
                try Row.fetchAll(db, sql: "SELECT key, service_id, entry_json FROM lb_rule").map(StoredRow.init)
            }
        } catch {
            throw ConfigStoreError(operation: "loading rules from \(path)", reason: Self.describe(error))
        }
        // Decoding the JSON is most of a restart's reading time: one chunk per CPU.
        let chunkCount = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows.count / 256))
        let chunkSize = (rows.count + chunkCount - 1) / max(chunkCount, 1)
        let path = path
        let decoded = await withTaskGroup(of: Result<[ConfigRecord], ConfigStoreError>.self) { group in
            for start in stride(from: 0, to: rows.count, by: max(chunkSize, 1)) {
                let chunk = rows[start..<min(start + chunkSize, rows.count)]
                group.addTask {
                    do throws(ConfigStoreError) {
                        return .success(try chunk.map { (row) throws(ConfigStoreError) in try row.record(path: path) })
                    } catch {
                        return .failure(error)
                    }
                }
            }
            var results: [Result<[ConfigRecord], ConfigStoreError>] = []
            for await result in group { results.append(result) }
            return results
        }
        var records: [ConfigRecord] = []
        records.reserveCapacity(rows.count)
        for result in decoded { records.append(contentsOf: try result.get()) }
        return records.sorted { $0.key < $1.key }
    }

    /// Inserts or replaces the record with the same key; durable when it returns.
    public func save(_ record: ConfigRecord) async throws(ConfigStoreError) {
        let json = String(decoding: LoxiJSON.encodeEntry(record.entry), as: UTF8.self)
        let key = record.key.description
        let serviceID = Int64(record.serviceID)
        do {
            try await queue.write { db in
                try db.cachedStatement(sql: Self.upsertSQL).execute(arguments: [key, serviceID, json])
            }
        } catch {
            throw ConfigStoreError(operation: "saving \(key) to \(path)", reason: Self.describe(error))
        }
    }

    /// Deletes the record with `key`; deleting an absent key is not an error.
    public func delete(key: ServiceKey) async throws(ConfigStoreError) {
        let text = key.description
        do {
            try await queue.write { db in
                try db.cachedStatement(sql: Self.deleteSQL).execute(arguments: [text])
            }
        } catch {
            throw ConfigStoreError(operation: "deleting \(text) from \(path)", reason: Self.describe(error))
        }
    }

    /// Deletes the records of `keys` in one transaction (one fsync): all or none.
    public func delete(keys: [ServiceKey]) async throws(ConfigStoreError) {
        let texts = keys.map(\.description)
        do {
            try await queue.write { db in
                let delete = try db.cachedStatement(sql: Self.deleteSQL)
                for text in texts { try delete.execute(arguments: [text]) }
            }
        } catch {
            throw ConfigStoreError(
                operation: "deleting \(texts.count) rules from \(path)", reason: Self.describe(error))
        }
    }

    /// Deletes `deleting`, then upserts `saving`, in one transaction (one fsync): all or none.
    public func commit(saving: [ConfigRecord], deleting: [ServiceKey]) async throws(ConfigStoreError) {
        let rows = saving.map { record in
            (
                record.key.description, Int64(record.serviceID),
                String(decoding: LoxiJSON.encodeEntry(record.entry), as: UTF8.self)
            )
        }
        let deleted = deleting.map(\.description)
        do {
            // Cached statements: compiled once per connection, not once per rule (parsing and
            // GRDB's authorizer callbacks were 5 % of a create's CPU).
            try await queue.write { db in
                let delete = try db.cachedStatement(sql: Self.deleteSQL)
                for text in deleted { try delete.execute(arguments: [text]) }
                let upsert = try db.cachedStatement(sql: Self.upsertSQL)
                for (key, serviceID, json) in rows {
                    try upsert.execute(arguments: [key, serviceID, json])
                }
            }
        } catch {
            throw ConfigStoreError(
                operation: "saving \(rows.count) and deleting \(deleted.count) rules in \(path)",
                reason: Self.describe(error))
        }
    }

    /// The SQLite page cache per connection, in KiB.
    static let pageCacheKiB = 256

    /// Deletes the row of a key.
    static let deleteSQL = "DELETE FROM lb_rule WHERE key = ?"

    /// Inserts a row, or replaces the row with the same key.
    static let upsertSQL = """
        INSERT INTO lb_rule (key, service_id, entry_json, updated_at)
        VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (key) DO UPDATE SET service_id = excluded.service_id,
            entry_json = excluded.entry_json, updated_at = excluded.updated_at
        """

    /// Replaces every stored rule with `records` in one transaction: all of them or none.
    public func replaceAll(with records: [ConfigRecord]) async throws(ConfigStoreError) {
        let rows = records.map { record in
            (
                record.key.description, Int64(record.serviceID),
                String(decoding: LoxiJSON.encodeEntry(record.entry), as: UTF8.self)
            )
        }
        do {
            try await queue.write { db in
                try db.execute(sql: "DELETE FROM lb_rule")
                let insert = try db.cachedStatement(sql: Self.upsertSQL)
                for (key, serviceID, json) in rows { try insert.execute(arguments: [key, serviceID, json]) }
            }
        } catch {
            throw ConfigStoreError(
                operation: "replacing all rules with \(rows.count) in \(path)", reason: Self.describe(error))
        }
    }

    /// The value of `PRAGMA name` on the store's connection, as text (tests check durability settings).
    func pragma(_ name: String) async throws -> String? {
        try await queue.read { db in
            try String.fetchOne(db, sql: "SELECT CAST(\(name) AS TEXT) FROM pragma_\(name)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-lb-rule") { db in
            try db.execute(
                sql: """
                    CREATE TABLE lb_rule (
                        key TEXT PRIMARY KEY NOT NULL,
                        service_id INTEGER NOT NULL UNIQUE,
                        entry_json TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    )
                    """)
        }
        registerEndpointMigration(&migrator)
        registerBGPMigrations(&migrator)
        registerBFDMigrations(&migrator)
        registerHAMigrations(&migrator)
        registerFirewallMigrations(&migrator)
        registerGTPSessionMigrations(&migrator)
        registerPolicyMigrations(&migrator)
        registerMirrorMigrations(&migrator)
        return migrator
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "\(error)"
        }
        return "\(error.localizedDescription)"
    }
}

/// One `lb_rule` row, read out of the database connection before decoding.
private struct StoredRow: Sendable {
    var key: String
    var serviceID: Int64
    var json: String

    init(_ row: Row) {
        key = row["key"]
        serviceID = row["service_id"]
        json = row["entry_json"]
    }

    func record(path: String) throws(ConfigStoreError) -> ConfigRecord {
        let operation = "loading rule \(key) from \(path)"
        let fix = "; fix or delete that row in lb_rule, then restart"
        guard let serviceKey = ServiceKey(text: key) else {
            throw ConfigStoreError(operation: operation, reason: "the key is not \"<ip>:<port>/<proto>\"" + fix)
        }
        guard let id = UInt32(exactly: serviceID) else {
            throw ConfigStoreError(operation: operation, reason: "service id \(serviceID) is out of range" + fix)
        }
        let entry: LoadBalancerEntry
        do {
            entry = try LoxiJSON.decodeEntry(from: Data(json.utf8))
        } catch {
            throw ConfigStoreError(
                operation: operation, reason: "its entry_json is unreadable (\(error.message))" + fix)
        }
        return ConfigRecord(key: serviceKey, serviceID: id, entry: entry)
    }
}
