import SwiftLBBGP
import SwiftLBCore
import Testing

@Suite("Pushing peers and routes to gobgpd")
struct SpeakerSyncTests {
    static let a = BGPPeer(address: Rules.ip("10.0.0.2"), asn: 65000)
    static let b = BGPPeer(address: Rules.ip("10.0.0.3"), asn: 65003)

    @Test("peers: missing added, stale deleted, changed ones replaced; nothing sent when they agree")
    func peers() async throws {
        let changedB = BGPPeer(address: Self.b.address, asn: 65003, port: 1179)
        let stale = BGPPeer(address: Rules.ip("10.0.0.9"), asn: 1)
        let speaker = InMemorySpeaker(peers: [Self.b, stale])
        let sync = SpeakerSync()
        let result = try await sync.syncPeers(speaker, desired: [Self.a, changedB])
        #expect(result.map(\.peer) == [Self.a, changedB])
        #expect(
            await speaker.calls == [
                "listPeer", "deletePeer 10.0.0.9", "addPeer 10.0.0.2", "deletePeer 10.0.0.3", "addPeer 10.0.0.3",
                "listPeer",
            ])
        await speaker.clearCalls()
        _ = try await sync.syncPeers(speaker, desired: [changedB, Self.a])
        #expect(await speaker.calls == ["listPeer"])
    }

    @Test("paths: announce, withdraw on delete, re-announce changed attributes; a new gobgpd gets everything again")
    func paths() async throws {
        let speaker = InMemorySpeaker()
        var sync = SpeakerSync()
        let one = Advertisement(vip: Rules.ip("10.0.0.1"))
        let two = Advertisement(vip: Rules.ip("2001:db8::10"))
        try await sync.syncPaths(speaker, desired: [one, two])
        #expect(await speaker.announced() == ["10.0.0.1/32", "2001:db8::10/128"])
        let preferred = Advertisement(vip: Rules.ip("10.0.0.1"), localPref: 200)
        let changes = try await sync.syncPaths(speaker, desired: [preferred])
        #expect(changes.withdrawn == [two] && changes.announced == [preferred])
        #expect(await speaker.announced() == ["10.0.0.1/32 local-pref 200"])

        // gobgpd restarted: a fresh process has no paths; a fresh record pushes them all again.
        let restarted = InMemorySpeaker()
        var fresh = SpeakerSync()
        try await fresh.syncPaths(restarted, desired: [preferred])
        #expect(await restarted.announced() == ["10.0.0.1/32 local-pref 200"])
    }

    @Test("a failed call is retried on the next pass; nothing is forgotten or announced twice")
    func retry() async throws {
        let speaker = InMemorySpeaker()
        var sync = SpeakerSync()
        let one = Advertisement(vip: Rules.ip("10.0.0.1"))
        try await sync.syncPaths(speaker, desired: [one])
        await speaker.setFailing(true)
        await #expect(throws: SpeakerDown.self) { try await sync.syncPaths(speaker, desired: []) }
        #expect(sync.announced.count == 1)
        await speaker.setFailing(false)
        await speaker.clearCalls()
        try await sync.syncPaths(speaker, desired: [])
        #expect(await speaker.calls == ["deletePath 10.0.0.1/32"])
        #expect(await speaker.announced().isEmpty)
    }
}
