import Foundation
import Logging
import SwiftLBCore
import Testing

@testable import SwiftLBStore

/// A fresh directory under the system temp dir, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlb-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ components: String...) -> String {
        components.reduce(url) { $0.appendingPathComponent($1) }.path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

@Suite("SQLiteConfigStore")
struct SQLiteConfigStoreTests {
    static func record(_ ip: String, id: UInt32, name: String = "", endpoint: String = "10.0.1.1") throws
        -> ConfigRecord
    {
        let entry = LoadBalancerEntry(
            serviceArguments: ServiceArguments(externalIP: ip, port: 80, protocol: "tcp", name: name),
            endpoints: [LBEndpoint(endpointIP: endpoint, targetPort: 8080, weight: 1)])
        let rule = try RuleValidator.validate(entry)
        return ConfigRecord(key: rule.key, serviceID: id, entry: rule.entry)
    }

    static let logger = Logger(label: "swiftlb.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test("save, load and delete, in a directory created on demand")
    func saveLoadDelete() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteConfigStore(path: directory.path("nested", "deeper", "config.db"))
        #expect(try await store.loadAll().isEmpty)
        let web = try Self.record("10.0.0.10", id: 0, name: "web")
        let dns = try Self.record("10.0.0.9", id: 1)
        try await store.save(web)
        try await store.save(dns)
        // Sorted by key, numerically: 10.0.0.9 before 10.0.0.10.
        #expect(try await store.loadAll() == [dns, web])
        try await store.delete(key: dns.key)
        try await store.delete(key: dns.key)
        #expect(try await store.loadAll() == [web])
    }

    @Test("several keys are deleted in one write, absent ones ignored, and stay deleted after reopening")
    func deleteMany() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("config.db")
        let store = try SQLiteConfigStore(path: path)
        let records = try [("10.0.0.1", 0), ("10.0.0.2", 1), ("10.0.0.3", 2)].map { try Self.record($0.0, id: $0.1) }
        for record in records { try await store.save(record) }
        try await store.delete(keys: [records[0].key, records[2].key, records[2].key])
        #expect(try await store.loadAll() == [records[1]])
        #expect(try await SQLiteConfigStore(path: path).loadAll() == [records[1]])
    }

    @Test("saving an existing key replaces its record")
    func upsert() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteConfigStore(path: directory.path("config.db"))
        try await store.save(try Self.record("10.0.0.1", id: 4))
        let replacement = try Self.record("10.0.0.1", id: 4, endpoint: "10.0.2.2")
        try await store.save(replacement)
        #expect(try await store.loadAll() == [replacement])
    }

    @Test("a service id belongs to one key only")
    func uniqueServiceID() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteConfigStore(path: directory.path("config.db"))
        try await store.save(try Self.record("10.0.0.1", id: 4))
        let clash = try Self.record("10.0.0.2", id: 4)
        await #expect(throws: ConfigStoreError.self) { try await store.save(clash) }
        #expect(try await store.loadAll().map(\.key.description) == ["10.0.0.1:80/tcp"])
    }

    @Test("writes are durable: WAL journal and synchronous FULL")
    func durabilitySettings() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteConfigStore(path: directory.path("config.db"))
        #expect(try await store.pragma("journal_mode") == "wal")
        #expect(try await store.pragma("synchronous") == "2")
    }

    @Test("records survive closing and reopening the database")
    func reopen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("config.db")
        let records = [try Self.record("10.0.0.1", id: 0, name: "a"), try Self.record("10.0.0.2", id: 7)]
        do {
            let store = try SQLiteConfigStore(path: path)
            for record in records { try await store.save(record) }
        }
        let reopened = try SQLiteConfigStore(path: path)
        #expect(try await reopened.loadAll() == records)
    }

    @Test("a RuleStore over SQLite restores the same rules after a restart")
    func ruleStoreRestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("config.db")
        let datapath = InMemoryDatapath()
        let first = RuleStore(config: try SQLiteConfigStore(path: path), datapath: datapath, logger: Self.logger)
        try await first.restore()
        for (ip, name) in [("10.0.0.1", "web"), ("10.0.0.2", ""), ("10.0.0.3", "api")] {
            try await first.create(try Self.record(ip, id: 0, name: name).entry)
        }
        try await first.delete(.name("api"))
        let list = await first.list()
        let dump = await datapath.dump()
        #expect(dump.split(separator: "\n").count == 2)

        let freshDatapath = InMemoryDatapath()
        let second = RuleStore(config: try SQLiteConfigStore(path: path), datapath: freshDatapath, logger: Self.logger)
        try await second.restore()
        #expect(await second.list() == list)
        #expect(await freshDatapath.dump() == dump)
    }

    @Test("an unusable path is a clear error naming it")
    func unwritablePath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A regular file where a directory should be: fails even for root, unlike chmod.
        let blocker = directory.path("not-a-directory")
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        let path = directory.path("not-a-directory", "config.db")
        do {
            _ = try SQLiteConfigStore(path: path)
            Issue.record("opened a database under a regular file")
        } catch {
            #expect(error.operation.contains(path))
            #expect(error.reason.contains("writable"), "\(error)")
        }
        let nested = directory.path("not-a-directory", "sub", "config.db")
        do {
            _ = try SQLiteConfigStore(path: nested)
            Issue.record("created a directory under a regular file")
        } catch {
            #expect(error.reason.contains("cannot be created"), "\(error)")
        }
    }

    @Test("a file that is not a database is a clear error")
    func notADatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("config.db")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigStoreError.self) { try SQLiteConfigStore(path: path) }
    }
}
