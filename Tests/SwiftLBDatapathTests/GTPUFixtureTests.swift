import BPFLoader
import Foundation
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// GTP-U sessions (bpf/lib/gtpu.h) through the real programs, with packets scapy builds
/// (Tests/Fixtures/gtpu_packets.py): uplink decapsulation with every header variant, classification by
/// QFI, downlink encapsulation with the right TEID and QFI, malformed G-PDUs dropped and counted,
/// and everything else left alone. Outputs are compared byte for byte, checksums included.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct GTPUFixtureTests {
    typealias Case = ScapyFixture.Case

    /// The fixture session: UE 10.45.0.2, core tunnel 0x100 at fx0's 10.10.1.1, access tunnel
    /// 0x200 at the gNB 10.10.1.2, classifier QFI 9 -> 10.10.2.11.
    static let session = GTPSession(
        ident: "user1", ueAddress: .v4(0x0a2d_0002),
        accessTunnel: GTPTunnel(teid: 0x200, address: .v4(0x0a0a_0102)),
        coreTunnel: GTPTunnel(teid: 0x100, address: .v4(0x0a0a_0101)),
        classifiers: [GTPClassifier(qfi: 9, address: .v4(0x0a0a_020b))])

    /// Runs the scapy script once per test; fails the test when scapy cannot run.
    static func cases() throws -> [String: Case] { try ScapyFixture.cases("gtpu_packets.py") }

    static func setUp(sessions: [UInt32: GTPSession] = [1: session]) async throws -> EBPFDatapath {
        let datapath = try await Fixture.datapath()
        try datapath.programGTPSessions(sessions, resetCounters: Array(sessions.keys))
        return datapath
    }

    func run(_ datapath: EBPFDatapath, _ packet: [UInt8], on ifindex: Int32) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: packet, ifindex: ifindex)
    }

    /// Runs case `name` arriving on `ifindex` and checks verdict and bytes (an unchanged frame passes).
    func check(_ datapath: EBPFDatapath, _ cases: [String: Case], _ name: String, on ifindex: Int32) throws {
        try ScapyFixture.check(datapath, cases, name, on: ifindex, unchangedPasses: true)
    }

    @Test func uplinkIsDecapsulatedAndClassifiedByQFI() async throws {
        let cases = try Self.cases()
        let datapath = try await Self.setUp()
        for name in ["ul_qfi5", "ul_plain", "ul_seq", "ul_tcp"] {
            try check(datapath, cases, name, on: Fixture.clientSide)
        }
        for name in ["ul_qfi9", "ul_two_ext"] {
            try check(datapath, cases, name, on: Fixture.clientSide)
        }
        let counters = try await datapath.packetCounters()
        #expect(counters["gtpu_ul_decap"] == 4)
        #expect(counters["gtpu_ul_ulcl"] == 2)
        let session = try #require(try datapath.readGTPSessionCounters(ids: [1])[1])
        #expect(session.uplinkPackets == 6)
        #expect(session.downlinkPackets == 0)
    }

    @Test func downlinkIsEncapsulatedWithTheAccessTunnelAndQFI() async throws {
        let cases = try Self.cases()
        let datapath = try await Self.setUp()
        for name in ["dl_default", "dl_breakout", "dl_icmp"] {
            try check(datapath, cases, name, on: Fixture.serverSide)
        }
        #expect(try await datapath.packetCounters()["gtpu_dl_encap"] == 3)
        let session = try #require(try datapath.readGTPSessionCounters(ids: [1])[1])
        #expect(session.downlinkPackets == 3)
        // Inner IP lengths: 44 + 44 + 32.
        #expect(session.downlinkBytes == 120)
    }

    @Test func malformedGPDUsOfASessionAreDroppedAndCounted() async throws {
        let cases = try Self.cases()
        let datapath = try await Self.setUp()
        let malformed = [
            "bad_length_long", "bad_length_short", "truncated_ext", "ext_len_zero", "too_many_ext",
            "dl_container_uplink",
        ]
        for name in malformed { try check(datapath, cases, name, on: Fixture.clientSide) }
        try check(datapath, cases, "inner_spoofed", on: Fixture.clientSide)
        let counters = try await datapath.packetCounters()
        #expect(counters["drop_gtpu_malformed"] == UInt64(malformed.count))
        #expect(counters["drop_gtpu_inner"] == 1)
        #expect(try datapath.readGTPSessionCounters(ids: [1])[1]?.uplinkPackets == 0)
    }

    @Test func aGNBWithoutRouteIsADropCounted() async throws {
        let cases = try Self.cases()
        var unreachable = Self.session
        // 192.0.2.1 (TEST-NET-1): the fixture namespace has no route to it.
        unreachable.accessTunnel = GTPTunnel(teid: 0x200, address: .v4(0xc000_0201))
        let datapath = try await Self.setUp(sessions: [1: unreachable])
        let downlink = try #require(cases["dl_default"])
        #expect(try run(datapath, ScapyFixture.bytes(downlink.in), on: Fixture.serverSide).verdict == Verdict.shot)
        #expect(try await datapath.packetCounters()["drop_gtpu_route"] == 1)
        #expect(try datapath.readGTPSessionCounters(ids: [1])[1]?.downlinkPackets ?? 0 == 0)
    }

    @Test func packetsOfNoSessionAndLoadBalancingAreUntouched() async throws {
        let cases = try Self.cases()
        let datapath = try await Self.setUp()
        try check(datapath, cases, "other_teid", on: Fixture.clientSide)
        // The service VIP:80 still balances while sessions exist.
        #expect(
            try run(datapath, Fixture.toVIP(sport: 41000).bytes, on: Fixture.clientSide).verdict == Verdict.redirect)
        // Sessions removed: the flag is off and a session's own G-PDU passes untouched.
        try datapath.programGTPSessions([:])
        let uplink = try #require(cases["ul_qfi5"])
        let result = try run(datapath, ScapyFixture.bytes(uplink.in), on: Fixture.clientSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == ScapyFixture.bytes(uplink.in))
        let downlink = try #require(cases["dl_default"])
        #expect(
            try run(datapath, ScapyFixture.bytes(downlink.in), on: Fixture.serverSide).packet
                == ScapyFixture.bytes(downlink.in))
        #expect(try await datapath.packetCounters()["gtpu_ul_decap"] ?? 0 == 0)
    }
}
