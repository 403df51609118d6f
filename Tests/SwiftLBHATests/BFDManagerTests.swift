import Logging
import SwiftLBCore
import Testing

@testable import SwiftLBHA

/// The manager behind `/config/bfd`: sessions survive a restart (restored from the store) and come
/// Up against a peer instance; deleting one tells the peer.
@Suite("BFD manager", .serialized)
struct BFDManagerTests {
    static let logger = Logger(label: "swiftlb.ha.test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test("a stored session is restarted by restore() and comes Up with the peer; its state changes are published")
    func restoredSessionComesUp() async throws {
        let store = InMemoryBFDConfigStore()
        try await store.saveBFD(
            BFDSessionConfig(instance: "default", interval: 50_000, remoteIp: "127.0.0.1", retryCount: 3))
        let ports = FreeUDPPorts.take(2)
        let restarted = BFDManager(store: store, logger: Self.logger, listenPort: ports[0], peerPort: ports[1])
        let peer = BFDManager(
            store: InMemoryBFDConfigStore(), logger: Self.logger, listenPort: ports[1], peerPort: ports[0])
        try await restarted.restore()
        #expect(await restarted.sessions().map(\.remoteIp) == ["127.0.0.1"])
        try await peer.add(BFDSessionConfig(interval: 50_000, remoteIp: "127.0.0.1"))
        #expect(await BFDEndpointTests.eventually { restarted.changes.version > 0 })
        var up = false
        for _ in 0..<500 where !up {
            let mine = await restarted.sessions().first?.state
            let theirs = await peer.sessions().first?.state
            up = mine == "BFDUp" && theirs == "BFDUp"
            if !up { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(up)
        try await restarted.delete(remoteIp: "127.0.0.1", instance: nil)
        #expect(await restarted.sessions().isEmpty)
        #expect(try await store.loadBFD().isEmpty)
        var down = false
        for _ in 0..<500 where !down {
            down = await peer.sessions().first?.state == "BFDDown"
            if !down { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(down)
        await restarted.stop()
        await peer.stop()
    }
}
