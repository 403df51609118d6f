import Foundation
import SwiftLBCore
import SwiftLBStore
import Testing

@Suite("SQLite mirrors")
struct SQLiteMirrorStoreTests {
    @Test("mirrors are saved without their answer-only fields, replaced by id, deleted, read back after reopening")
    func roundTrip() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slb-mir-\(UUID().uuidString).db")
            .path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let mirror = { (ident: String, port: String) in
            MirrorEntry(
                mirrorIdent: ident, mirrorInfo: MirrorInfo(type: 0, port: port),
                targetObject: MirrorTargetObject(attachment: 1, mirrObjName: "eth0"))
        }
        do {
            let store = try SQLiteConfigStore(path: path)
            var live = mirror("a", "eth1")
            live.sync = 0
            live.counter = "1:2"
            try await store.saveMirror(StoredMirror(id: 2, entry: live))
            try await store.saveMirror(StoredMirror(id: 1, entry: mirror("b", "eth1")))
            try await store.saveMirror(StoredMirror(id: 2, entry: mirror("a", "eth3")))
            try await store.deleteMirror(id: 1)
            try await store.deleteMirror(id: 99)
        }
        let reopened = try SQLiteConfigStore(path: path)
        #expect(try await reopened.loadMirrors() == [StoredMirror(id: 2, entry: mirror("a", "eth3"))])
    }
}
