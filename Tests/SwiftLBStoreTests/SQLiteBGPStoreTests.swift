import Foundation
import SwiftLBCore
import Testing

@testable import SwiftLBStore

@Suite("SQLiteConfigStore: BGP")
struct SQLiteBGPStoreTests {
    @Test("global and neighbors survive reopening the database; rules are unaffected")
    func persistence() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("config.db")
        do {
            let store = try SQLiteConfigStore(path: path)
            #expect(try await store.loadBGP() == BGPStoredConfig())
            try await store.saveBGPGlobal(BGPGlobalConfig(localAs: 65001, routerId: "10.0.0.1", listenPort: 179))
            try await store.saveBGPGlobal(BGPGlobalConfig(localAs: 65002, routerId: "10.0.0.1", listenPort: 179))
            try await store.saveBGPNeighbor(BGPNeighbor(ipAddress: "10.0.0.3", remoteAs: 65000, remotePort: 179))
            try await store.saveBGPNeighbor(BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65000, remotePort: 179))
            try await store.saveBGPNeighbor(
                BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65005, remotePort: 1179, setMultiHop: true))
            try await store.deleteBGPNeighbor(ipAddress: "10.0.0.3")
            try await store.deleteBGPNeighbor(ipAddress: "10.9.9.9")
        }
        let reopened = try SQLiteConfigStore(path: path)
        #expect(
            try await reopened.loadBGP()
                == BGPStoredConfig(
                    global: BGPGlobalConfig(localAs: 65002, routerId: "10.0.0.1", listenPort: 179),
                    neighbors: [
                        BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65005, remotePort: 1179, setMultiHop: true)
                    ]
                ))
        #expect(try await reopened.loadAll().isEmpty)
    }

    @Test("an unreadable row is an error naming the table and what to do")
    func corruptRow() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteConfigStore(path: directory.path("config.db"))
        try await store.queue.write { db in
            try db.execute(
                sql: "INSERT INTO bgp_neighbor (address, config_json, updated_at) VALUES ('10.0.0.2', '{', 'now')")
        }
        do {
            _ = try await store.loadBGP()
            Issue.record("loading a corrupt row succeeded")
        } catch {
            #expect(error.operation.contains("bgp_neighbor"))
            #expect(error.reason.contains("fix or delete that row"))
        }
    }
}
