import Foundation
import GRDB
import SwiftLBCore
import Testing

@testable import SwiftLBStore

/// The config store writes entries with `LoxiJSON.encodeEntry` and reads them with `decodeEntry`:
/// the bytes must stay those JSONEncoder wrote, and rows written before must still load.
@Suite("stored entry format")
struct StoredEntryFormatTests {
    static func rawJSON(_ store: SQLiteConfigStore, key: String) async throws -> String? {
        try await store.queue.read { db in
            try String.fetchOne(db, sql: "SELECT entry_json FROM lb_rule WHERE key = ?", arguments: [key])
        }
    }

    @Test("a saved entry is stored as JSONEncoder's bytes")
    func savedBytes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteConfigStore(path: directory.path("config.db"))
        var named = try SQLiteConfigStoreTests.record("10.0.0.1", id: 0, name: "web")
        named.entry.serviceArguments.snatSources = "10.9.0.0/28"
        var accented = try SQLiteConfigStoreTests.record("10.0.0.2", id: 1)
        accented.entry.serviceArguments.name = "café \"quoted\""
        try await store.commit(saving: [named, accented], deleting: [])
        for record in [named, accented] {
            let stored = try await Self.rawJSON(store, key: record.key.description)
            #expect(stored == String(decoding: LoxiJSON.encode(record.entry), as: UTF8.self))
        }
        #expect(try await store.loadAll() == [named, accented])
    }

    @Test("rows written by earlier versions load unchanged")
    func earlierRows() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteConfigStore(path: directory.path("config.db"))
        let plain = try SQLiteConfigStoreTests.record("10.0.0.1", id: 0, name: "web")
        var accented = try SQLiteConfigStoreTests.record("10.0.0.2", id: 1)
        accented.entry.serviceArguments.name = "café"
        // What the JSONEncoder-based store wrote, and a hand-written row in another key order,
        // with spaces, an escape and without the fields added since.
        let rows: [(ConfigRecord, String)] = [
            (plain, String(decoding: LoxiJSON.encode(plain.entry), as: UTF8.self)),
            (
                accented,
                #"{ "endpoints": [{"weight": 1, "targetPort": 8080, "endpointIP": "10.0.1.1", "state": "", "counter": ""}],"#
                    + #" "serviceArguments": {"protocol": "tcp", "port": 80, "externalIP": "10.0.0.2","#
                    + #" "name": "caf\u00e9"} }"#
            ),
        ]
        try await store.queue.write { db in
            for (record, json) in rows {
                try db.execute(
                    sql: SQLiteConfigStore.upsertSQL,
                    arguments: [record.key.description, Int64(record.serviceID), json])
            }
        }
        #expect(try await store.loadAll() == [plain, accented])
    }
}
