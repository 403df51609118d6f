import Testing

@testable import SwiftLBCore

@Suite("BGP desired state")
struct BGPDesiredStateTests {
    static let global = BGPGlobalConfig(localAs: 65001, routerId: "10.0.0.1")

    @Test("set, persist and restore: a new instance over the same store has the same config")
    func persistence() async throws {
        let store = InMemoryBGPConfigStore()
        let state = BGPDesiredState(store: store, logger: Fixtures.logger)
        try await state.setGlobal(Self.global)
        try await state.addNeighbor(BGPNeighbor(ipAddress: "10.0.0.3", remoteAs: 65000))
        try await state.addNeighbor(BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65002, setMultiHop: true))
        #expect(await state.global() == BGPGlobalConfig(localAs: 65001, routerId: "10.0.0.1", listenPort: 179))

        let restarted = BGPDesiredState(store: store, logger: Fixtures.logger)
        try await restarted.restore()
        #expect(await restarted.currentSettings() == BGPSettings(asn: 65001, routerID: .v4(0x0A00_0001)))
        #expect(
            await restarted.currentPeers().map(\.config) == [
                BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65002, remotePort: 179, setMultiHop: true),
                BGPNeighbor(ipAddress: "10.0.0.3", remoteAs: 65000, remotePort: 179),
            ])
    }

    @Test("the same neighbor again is accepted; another one with that address is a 409 and changes nothing")
    func conflict() async throws {
        let state = BGPDesiredState(store: InMemoryBGPConfigStore(), logger: Fixtures.logger)
        try await state.addNeighbor(BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65000))
        try await state.addNeighbor(BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65000, remotePort: 179))
        let error = await apiError { try await state.addNeighbor(BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65009)) }
        #expect(error?.status == 409)
        #expect(error?.fields == ["ipAddress"])
        #expect(await state.currentPeers().map(\.asn) == [65000])
    }

    @Test("delete: 404 for an unknown neighbor or another AS; a bad address is a 400")
    func delete() async throws {
        let store = InMemoryBGPConfigStore()
        let state = BGPDesiredState(store: store, logger: Fixtures.logger)
        try await state.addNeighbor(BGPNeighbor(ipAddress: "2001:db8::2", remoteAs: 65000))
        #expect(await apiError { try await state.deleteNeighbor(ipAddress: "10.9.9.9", remoteAs: nil) }?.status == 404)
        #expect(
            await apiError { try await state.deleteNeighbor(ipAddress: "2001:db8::2", remoteAs: 65001) }?.status == 404)
        let bad = await apiError { try await state.deleteNeighbor(ipAddress: "nope", remoteAs: nil) }
        #expect(bad?.status == 400 && bad?.fields == ["ip_address"])
        // Another spelling of the same address finds it.
        try await state.deleteNeighbor(ipAddress: "2001:0db8:0:0::2", remoteAs: 65000)
        #expect(await state.currentPeers().isEmpty)
        #expect(try await store.loadBGP().neighbors.isEmpty)
    }

    @Test("a failing store write is a 500 and changes nothing, in memory or stored")
    func storeFailure() async throws {
        let store = InMemoryBGPConfigStore()
        let state = BGPDesiredState(store: store, logger: Fixtures.logger)
        try await state.addNeighbor(BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65000))
        await store.setFailure(ConfigStoreError(operation: "write", reason: "disk full"))
        #expect(await apiError { try await state.setGlobal(Self.global) }?.status == 500)
        #expect(
            await apiError { try await state.addNeighbor(BGPNeighbor(ipAddress: "10.0.0.3", remoteAs: 1)) }?.status
                == 500)
        #expect(await apiError { try await state.deleteNeighbor(ipAddress: "10.0.0.2", remoteAs: nil) }?.status == 500)
        #expect(await state.global() == nil)
        #expect(await state.currentPeers().map(\.address.description) == ["10.0.0.2"])
        #expect(
            try await store.loadBGP()
                == BGPStoredConfig(neighbors: [BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65000, remotePort: 179)]))
    }

    @Test("neighbors show gobgpd's session state, or why it is unknown; metrics follow")
    func neighborState() async throws {
        let state = BGPDesiredState(store: InMemoryBGPConfigStore(), logger: Fixtures.logger)
        try await state.addNeighbor(BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65000))
        try await state.addNeighbor(BGPNeighbor(ipAddress: "10.0.0.3", remoteAs: 65003))
        #expect(await state.neighbors().map(\.state) == ["gobgpd-down", "gobgpd-down"])
        await state.update(
            status: BGPRuntimeStatus(
                gobgpdUp: true, downReason: "", gobgpdStarts: 2,
                sessions: [.v4(0x0A00_0002): .init(state: "established", secondsInState: 75)], advertisedRoutes: 3,
                installedRoutes: 1))
        #expect(
            await state.neighbors() == [
                BGPNeighborEntry(ipAddress: "10.0.0.2", remoteAs: 65000, state: "established", updowntime: "00:01:15"),
                BGPNeighborEntry(ipAddress: "10.0.0.3", remoteAs: 65003, state: "unknown", updowntime: ""),
            ])
        #expect(
            await state.metrics()
                == BGPMetrics(
                    gobgpdUp: true, gobgpdStarts: 2, advertisedRoutes: 3, installedRoutes: 1,
                    sessions: [
                        .init(address: "10.0.0.2", state: "established"), .init(address: "10.0.0.3", state: "unknown"),
                    ]))
    }

    @Test("an invalid stored row is skipped at restore; the rest loads")
    func invalidStoredRow() async throws {
        let store = InMemoryBGPConfigStore()
        try await store.saveBGPGlobal(BGPGlobalConfig(localAs: 0, routerId: "x"))
        try await store.saveBGPNeighbor(BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65000))
        let state = BGPDesiredState(store: store, logger: Fixtures.logger)
        try await state.restore()
        #expect(await state.currentSettings() == nil)
        #expect(await state.currentPeers().count == 1)
    }
}
