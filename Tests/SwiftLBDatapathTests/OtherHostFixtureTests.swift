import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// A frame addressed to another host's MAC (a switch flooding unknown unicast, as to an HA BACKUP
/// while the MASTER is alive) is left to the kernel untouched and creates no flow: only the host it
/// was sent to forwards it.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct OtherHostFixtureTests {
    static let otherMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x99]

    @Test func aFrameForAnotherMACPassesUntouchedAndOpensNoFlow() async throws {
        let datapath = try await Fixture.datapath()
        let program = try datapath.programs().ingress
        var flooded = Fixture.toVIP(sport: 40500)
        flooded.dstMAC = Self.otherMAC
        let passed = try TestRun.run(program, packet: flooded.bytes, ifindex: Fixture.clientSide)
        #expect(passed.verdict == Verdict.ok)
        #expect(passed.packet == flooded.bytes)
        #expect(datapath.conntrack.liveCount == 0)
        #expect(try await datapath.packetCounters()["pass_otherhost"] == 1)

        var flooded6 = Fixture.toVIP6(sport: 40501)
        flooded6.dstMAC = Self.otherMAC
        let passed6 = try TestRun.run(program, packet: flooded6.bytes, ifindex: Fixture.clientSide)
        #expect(passed6.verdict == Verdict.ok)
        #expect(passed6.packet == flooded6.bytes)
        #expect(try await datapath.packetCounters()["pass_otherhost"] == 2)

        // The same frame addressed to this interface is balanced.
        let own = try TestRun.run(program, packet: Fixture.toVIP(sport: 40500).bytes, ifindex: Fixture.clientSide)
        #expect(own.verdict == Verdict.redirect)
        #expect(datapath.conntrack.liveCount == 2)
        #expect(try await datapath.packetCounters()["pass_otherhost"] == 2)
    }
}
