import Foundation
import Logging
import SwiftLBCore
import Testing

@testable import SwiftLBStore

@Suite("SQLiteConfigStore endpoint entries")
struct SQLiteEndpointStoreTests {
    @Test("endpoint entries are saved, replaced, deleted and survive reopening, beside the rules")
    func endpoints() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("config.db")
        let first = EndPointEntry(
            hostName: "10.0.1.1", name: "10.0.1.1_http_8080", inactiveReTries: 2, probeType: "http", probeReq: "/h",
            probeDuration: 5, probePort: 8080)
        var second = EndPointEntry(
            hostName: "10.0.2.1", name: "db", inactiveReTries: 3, probeType: "tcp", probeDuration: 10, probePort: 5432)
        do {
            let store = try SQLiteConfigStore(path: path)
            try await store.save(try SQLiteConfigStoreTests.record("10.0.0.1", id: 0))
            try await store.saveEndpoint(first)
            try await store.saveEndpoint(second)
            second.probeDuration = 20
            try await store.saveEndpoint(second)
            try await store.deleteEndpoint(name: "absent")
        }
        let reopened = try SQLiteConfigStore(path: path)
        #expect(try await reopened.loadEndpoints() == [first, second], "sorted by name")
        #expect(try await reopened.loadAll().count == 1)
        try await reopened.deleteEndpoint(name: "db")
        #expect(try await reopened.loadEndpoints() == [first])
    }

    @Test("a RuleStore over SQLite restores endpoint entries after a restart")
    func ruleStoreRestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("config.db")
        let datapath = InMemoryDatapath()
        do {
            let store = RuleStore(
                config: try SQLiteConfigStore(path: path), datapath: datapath, logger: SQLiteConfigStoreTests.logger)
            try await store.createEndpoint(EndPointEntry(hostName: "10.0.1.1", probeType: "ping", probeDuration: 3))
        }
        let restarted = RuleStore(
            config: try SQLiteConfigStore(path: path), datapath: datapath, logger: SQLiteConfigStoreTests.logger)
        try await restarted.restore()
        try await restarted.restoreEndpoints()
        let listed = await restarted.endpointStates()
        #expect(listed.map(\.name) == ["10.0.1.1_ping_0"])
        #expect(listed.first?.probeDuration == 3)
    }
}
