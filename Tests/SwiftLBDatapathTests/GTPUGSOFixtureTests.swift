import BPFLoader
import Foundation
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// GSO packets of GTP-U sessions (bpf/lib/gtpu.h, slb_gtp_gso): a GRO/TSO super-packet to a UE or
/// a UDP GSO packet of G-PDUs is redirected, untouched, to the resegmenting pair's `out` end; its
/// segments, back at the `in` end without GSO, are encapsulated as usual; a GSO packet at the `in`
/// end, or with no pair, is dropped and counted. In the fixture namespace fx0p plays `out` and
/// fx1p `in` (scripts/fixture-netns.sh); the packets are gtpu_packets.py's.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct GTPUGSOFixtureTests {
    static var pair: GSOResegmentPair.Indexes {
        GSOResegmentPair.Indexes(
            out: NetworkInterface.index(of: "fx0p") ?? 0, in: NetworkInterface.index(of: "fx1p") ?? 0)
    }

    /// fx1p's MAC (ip netns exec mounts the namespace's sysfs), as the daemon's `slbgso1` has
    /// `GSOResegmentPair.inMAC`.
    static func inMAC() throws -> [UInt8] {
        let text = try String(contentsOfFile: "/sys/class/net/fx1p/address", encoding: .utf8)
        return text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").compactMap {
            UInt8($0, radix: 16)
        }
    }

    func run(
        _ datapath: EBPFDatapath, _ packet: [UInt8], on ifindex: Int32, gso: Bool
    ) throws -> TestRun.Result {
        try TestRun.run(
            try datapath.programs().ingress, packet: packet, ifindex: ifindex, gsoSize: gso ? 1400 : 0,
            gsoSegs: gso ? 3 : 0)
    }

    @Test func aGSOPacketToAUEIsRedirectedUntouchedToThePair() async throws {
        let cases = try GTPUFixtureTests.cases()
        let datapath = try await GTPUFixtureTests.setUp()
        try datapath.programGTPResegmentPair(Self.pair, inMAC: try Self.inMAC())
        #expect(Self.pair.out > 0 && Self.pair.in > 0)
        let downlink = try #require(cases["dl_default"])
        let input = ScapyFixture.bytes(downlink.in)
        let result = try run(datapath, input, on: Fixture.serverSide, gso: true)
        #expect(result.verdict == Verdict.redirect)
        // Untouched but for the destination MAC: the pair's receiving end's.
        #expect(result.packet == (try Self.inMAC()) + input.dropFirst(6))
        #expect(try Self.inMAC().count == 6)
        let counters = try await datapath.packetCounters()
        #expect(counters["gtpu_gso_resegment"] == 1)
        #expect(counters["gtpu_dl_encap"] ?? 0 == 0)
        #expect(counters["drop_gtpu_gso"] ?? 0 == 0)
        #expect(try datapath.readGTPSessionCounters(ids: [1])[1]?.downlinkPackets ?? 0 == 0)
    }

    @Test func itsSegmentsAreEncapsulatedAtTheInEnd() async throws {
        let cases = try GTPUFixtureTests.cases()
        let datapath = try await GTPUFixtureTests.setUp()
        try datapath.programGTPResegmentPair(Self.pair, inMAC: try Self.inMAC())
        let downlink = try #require(cases["dl_default"])
        let segment = (try Self.inMAC()) + ScapyFixture.bytes(downlink.in).dropFirst(6)
        let result = try run(datapath, segment, on: Self.pair.in, gso: false)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == ScapyFixture.bytes(try #require(downlink.out)))
        let counters = try await datapath.packetCounters()
        #expect(counters["gtpu_dl_encap"] == 1)
        #expect(counters["gtpu_gso_resegment"] ?? 0 == 0)
    }

    @Test func anUplinkGSOPacketOfASessionIsRedirectedBeforeItsLengthsAreChecked() async throws {
        let cases = try GTPUFixtureTests.cases()
        let datapath = try await GTPUFixtureTests.setUp()
        try datapath.programGTPResegmentPair(Self.pair, inMAC: try Self.inMAC())
        let uplink = try #require(cases["ul_qfi5"])
        let input = ScapyFixture.bytes(uplink.in)
        let result = try run(datapath, input, on: Fixture.clientSide, gso: true)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == (try Self.inMAC()) + input.dropFirst(6))
        // A G-PDU of no session stays out of it, GSO or not.
        let other = try #require(cases["other_teid"])
        let passed = try run(datapath, ScapyFixture.bytes(other.in), on: Fixture.clientSide, gso: true)
        #expect(passed.verdict == Verdict.ok)
        let counters = try await datapath.packetCounters()
        #expect(counters["gtpu_gso_resegment"] == 1)
        #expect(counters["drop_gtpu_malformed"] ?? 0 == 0)
        #expect(counters["gtpu_ul_decap"] ?? 0 == 0)
    }

    @Test func aGSOPacketBackFromThePairOrWithoutPairIsDroppedAndCounted() async throws {
        let cases = try GTPUFixtureTests.cases()
        let datapath = try await GTPUFixtureTests.setUp()
        let downlink = try #require(cases["dl_default"])
        let input = ScapyFixture.bytes(downlink.in)
        // No pair programmed.
        #expect(try run(datapath, input, on: Fixture.serverSide, gso: true).verdict == Verdict.shot)
        // Pair programmed, but the packet comes back from it still GSO: never sent round again.
        try datapath.programGTPResegmentPair(Self.pair, inMAC: try Self.inMAC())
        let back = (try Self.inMAC()) + input.dropFirst(6)
        #expect(try run(datapath, back, on: Self.pair.in, gso: true).verdict == Verdict.shot)
        // Pair removed again.
        try datapath.programGTPResegmentPair(nil)
        #expect(try run(datapath, input, on: Fixture.serverSide, gso: true).verdict == Verdict.shot)
        let counters = try await datapath.packetCounters()
        #expect(counters["drop_gtpu_gso"] == 3)
        #expect(counters["gtpu_gso_resegment"] ?? 0 == 0)
    }
}
