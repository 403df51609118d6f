import Foundation
import SwiftLBCore
import Testing

@testable import SwiftLBStore

@Suite("SQLiteConfigStore: BFD")
struct SQLiteBFDStoreTests {
    @Test("sessions survive reopening the database, replaced by peer address, sorted; rules are unaffected")
    func persistence() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("config.db")
        let kept = BFDSessionConfig(
            instance: "a", interval: 300_000, remoteIp: "10.0.0.2", retryCount: 5, sourceIp: "10.0.0.1")
        do {
            let store = try SQLiteConfigStore(path: path)
            #expect(try await store.loadBFD().isEmpty)
            try await store.saveBFD(
                BFDSessionConfig(instance: "a", interval: 200_000, remoteIp: "10.0.0.2", retryCount: 3))
            try await store.saveBFD(kept)
            try await store.saveBFD(
                BFDSessionConfig(instance: "default", interval: 200_000, remoteIp: "10.0.0.1", retryCount: 3))
            try await store.deleteBFD(remoteIp: "10.0.0.1")
            try await store.deleteBFD(remoteIp: "10.9.9.9")
        }
        let reopened = try SQLiteConfigStore(path: path)
        #expect(try await reopened.loadBFD() == [kept])
        #expect(try await reopened.loadAll().isEmpty)
    }
}
