import BPFLoader
import PacketTestSupport
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// SRv6 (bpf/lib/srv6.h) cross-checked with packets scapy builds (Tests/Fixtures/srv6_packets.py) on the
/// services of SRv6FixtureTests: H.Encaps.Red of a NAT66 flow (one segment, no SRH), H.Encaps of a NAT64 flow
/// (two segments, an SRH), End.DX6 and End.DX4 replies to the SID with and without an SRH, and a reply whose SRH
/// still has segments left dropped. Whole frames compared byte for byte, checksums included.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct SRv6ScapyFixtureTests {
    static let script = "srv6_packets.py"

    @Test(arguments: ["dx6_srh", "dx6_plain"])
    func reducedEncapsulationAndEndDX6MatchScapy(reply: String) async throws {
        let cases = try ScapyFixture.cases(Self.script)
        let datapath = try await SRv6FixtureTests().datapath(
            endpoint: .v6(Fixture.endpoint6(10)), segments: [SRv6FixtureTests.dx6])
        try ScapyFixture.check(datapath, cases, "red_nat66", on: Fixture.clientSide)
        try ScapyFixture.check(datapath, cases, reply, on: Fixture.serverSide)
        let named = try await datapath.packetCounters()
        #expect(named["srv6_encap"] == 1 && named["srv6_decap"] == 1)
    }

    @Test(arguments: ["dx4_srh", "dx4_plain"])
    func encapsulationWithSRHAndEndDX4MatchScapy(reply: String) async throws {
        let datapath = try await SRv6FixtureTests().datapath(
            endpoint: .v4(0x0a0a_020a), segments: [SRv6FixtureTests.e1, SRv6FixtureTests.dx4])
        let first = try ScapyFixture.cases(Self.script)
        let result = try TestRun.run(
            try datapath.programs().ingress, packet: try ScapyFixture.input(first, "encaps_nat64"),
            ifindex: Fixture.clientSide)
        // The allocated port: after Ethernet 14, outer IPv6 40, SRH 8 + 2 x 16, inner IPv4 20.
        try #require(result.packet.count > 116)
        let port = UInt16(result.packet[114]) << 8 | UInt16(result.packet[115])
        let cases = try ScapyFixture.cases(Self.script, ["port=\(port)"])
        let expected = try #require(cases["encaps_nat64"]?.out)
        #expect(result.verdict == Verdict.redirect)
        #expect(
            result.packet == ScapyFixture.bytes(expected),
            "datapath \(ScapyFixture.hex(result.packet)) != scapy \(expected)")
        try ScapyFixture.check(datapath, cases, reply, on: Fixture.serverSide)
        let named = try await datapath.packetCounters()
        #expect(named["srv6_encap"] == 1 && named["srv6_decap"] == 1)
    }

    @Test func aReplyWithSegmentsLeftIsDropped() async throws {
        let datapath = try await SRv6FixtureTests().datapath(
            endpoint: .v4(0x0a0a_020a), segments: [SRv6FixtureTests.e1, SRv6FixtureTests.dx4])
        let cases = try ScapyFixture.cases(Self.script, ["port=40000"])
        try ScapyFixture.check(datapath, cases, "dx4_segments_left", on: Fixture.serverSide)
        #expect(try await datapath.packetCounters()["drop_srv6_malformed"] == 1)
    }
}
