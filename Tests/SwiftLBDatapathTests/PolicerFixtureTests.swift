import BPFLoader
import Foundation
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// The QoS policers (bpf/lib/policer.h) through the real programs, on a clock the fixture sets
/// (slb_pol_clock): every colour and action of trTCM and srTCM, colour-aware marking, port and
/// LB rule attachments, new flows undone when red, and the rate over a simulated second.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct PolicerFixtureTests {
    /// A UDP service VIP:80 (id 7, named "web" for the policies) and a policy store over its maps.
    static func setUp() async throws -> (EBPFDatapath, PolicyStore) {
        let datapath = try await Fixture.datapath(proto: .udp)
        let handoff = PolicyHandoff()
        try await handoff.attach(datapath)
        let store = PolicyStore(
            persistence: InMemoryPolicyConfigStore(), datapath: handoff, rules: { ["web": [7]] })
        try setClock(datapath, 1_000_000_000)
        return (datapath, store)
    }

    /// Makes the policers read `ns` as the time.
    static func setClock(_ datapath: EBPFDatapath, _ ns: UInt64) throws {
        let clock: BPFMap<UInt32, slb_pol_clock> = try datapath.object.map(named: SLB_MAP_POL_CLOCK)
        try clock.update(0, slb_pol_clock(fixed_ns: ns))
    }

    static func policy(
        _ ident: String = "pol", type: Int = 0, cir: Int, pir: Int = 0, cbs: Int, ebs: Int, color: Bool = false,
        target: String = "web", attachment: Int = 2
    ) -> PolicyEntry {
        PolicyEntry(
            policyIdent: ident,
            policyInfo: PolicyInfo(
                type: type, colorAware: color, committedInfoRate: cir, peakInfoRate: pir, committedBlkSize: cbs,
                excessBlkSize: ebs),
            targetObject: PolicyTarget(polObjName: target, attachment: attachment))
    }

    /// A UDP packet of `size` bytes on the wire from the client to VIP:80, with `tos`.
    static func packet(size: Int = 1000, sport: UInt16 = 40000, tos: UInt8 = 0) -> [UInt8] {
        var packet = Fixture.toVIP(proto: 17, sport: sport)
        packet.payload = Array(repeating: 0xab, count: size - 42)
        packet.tos = tos
        return packet.bytes
    }

    func run(_ datapath: EBPFDatapath, _ packet: [UInt8]) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: packet, ifindex: Fixture.clientSide)
    }

    /// `green` with the TOS byte set to `tos` and the IPv4 header checksum computed here.
    static func marked(_ green: [UInt8], tos: UInt8) -> [UInt8] {
        var bytes = green
        bytes[15] = tos
        bytes[24] = 0
        bytes[25] = 0
        let sum = Checksum.fold(Checksum.sum(Array(bytes[14..<34])))
        bytes[24] = UInt8(sum >> 8)
        bytes[25] = UInt8(sum & 0xff)
        return bytes
    }

    @Test func trTCMColoursGreenThenYellowThenRedAndRefillsWithTime() async throws {
        let (datapath, store) = try await Self.setUp()
        // 8 Mbit/s = 1 byte/us committed, 16 Mbit/s peak; buckets of 3000 and 6000 bytes.
        try await store.add(Self.policy(cir: 8, pir: 16, cbs: 3000, ebs: 6000))
        let input = Self.packet()
        var outputs: [TestRun.Result] = []
        for _ in 0..<7 { outputs.append(try run(datapath, input)) }
        #expect(outputs.map(\.verdict) == Array(repeating: Verdict.redirect, count: 6) + [Verdict.shot])
        let green = outputs[0].packet
        #expect(green[15] == 0)
        for index in 1..<3 { #expect(outputs[index].packet == green) }
        // Yellow: DSCP AF12 (12 << 2), header checksum valid, nothing else changed.
        for index in 3..<6 { #expect(outputs[index].packet == Self.marked(green, tos: 0x30)) }
        let stats = try #require(await store.entries().first?.policyStats)
        #expect(
            stats
                == PolicyStats(
                    greenPackets: 3, greenBytes: 3000, yellowPackets: 3, yellowBytes: 3000,
                    redPackets: 1, redBytes: 1000))
        let counters = try await datapath.packetCounters()
        #expect(counters["policer_green"] == 3 && counters["policer_yellow"] == 3 && counters["drop_policer_red"] == 1)
        // 1.1 ms later: 1100 committed and 2200 peak bytes more: one green packet, then one yellow.
        try Self.setClock(datapath, 1_001_100_000)
        #expect(try run(datapath, input).packet == green)
        #expect(try run(datapath, input).packet == Self.marked(green, tos: 0x30))
        #expect(try run(datapath, input).verdict == Verdict.shot)
    }

    @Test func srTCMSpendsTheCommittedBucketThenTheExcessOne() async throws {
        let (datapath, store) = try await Self.setUp()
        try await store.add(Self.policy(type: 1, cir: 8, cbs: 2000, ebs: 3000))
        let input = Self.packet()
        let verdicts = try (0..<6).map { _ in try run(datapath, input) }
        #expect(verdicts.map(\.verdict) == Array(repeating: Verdict.redirect, count: 5) + [Verdict.shot])
        #expect(verdicts[1].packet == verdicts[0].packet)
        #expect(verdicts[2].packet == Self.marked(verdicts[0].packet, tos: 0x30))
        // 4 ms at 1 byte/us: 2000 fill the committed bucket, the 2000 over it go to the excess bucket.
        try Self.setClock(datapath, 1_004_000_000)
        let later = try (0..<5).map { _ in try run(datapath, input) }
        #expect(later.map(\.packet[15]) == [0, 0, 0x30, 0x30, 0])
        #expect(later.last?.verdict == Verdict.shot)
        let stats = try #require(await store.entries().first?.policyStats)
        #expect(stats.greenPackets == 4 && stats.yellowPackets == 5 && stats.redPackets == 2)
    }

    @Test func colourAwarePacketsKeepTheirPrecolour() async throws {
        let (datapath, store) = try await Self.setUp()
        try await store.add(Self.policy(cir: 8, pir: 16, cbs: 3000, ebs: 6000, color: true))
        // AF13 (drop precedence 3) is red whatever the buckets hold.
        #expect(try run(datapath, Self.packet(tos: 14 << 2)).verdict == Verdict.shot)
        // AF12 is at best yellow: passes unchanged (it is already marked), taking peak tokens only.
        let af12 = try run(datapath, Self.packet(tos: 12 << 2))
        #expect(af12.verdict == Verdict.redirect && af12.packet[15] == 12 << 2)
        // AF31 is green while committed tokens last; yellow makes it AF32, keeping its class.
        let af31 = try (0..<4).map { _ in try run(datapath, Self.packet(tos: 26 << 2)) }
        #expect(af31.map(\.packet[15]) == [26 << 2, 26 << 2, 26 << 2, 28 << 2])
        #expect(af31[3].packet == Self.marked(af31[0].packet, tos: 28 << 2))
        // Colour-blind, AF13 is just a packet.
        try await store.add(Self.policy(cir: 8, pir: 16, cbs: 3000, ebs: 6000))
        #expect(try run(datapath, Self.packet(tos: 14 << 2)).verdict == Verdict.redirect)
    }

    @Test func aPortPolicyPolicesEveryPacketEnteringTheInterface() async throws {
        let (datapath, store) = try await Self.setUp()
        try await store.add(Self.policy(cir: 8, pir: 8, cbs: 2000, ebs: 2000, target: "fx0", attachment: 1))
        // Not for a VIP: passed untouched while tokens last, then dropped.
        var other = Fixture.toVIP(proto: 17)
        other.dst = (10, 10, 50, 9)
        other.payload = Array(repeating: 1, count: 958)
        let results = try (0..<3).map { _ in try run(datapath, other.bytes) }
        #expect(results.map(\.verdict) == [Verdict.ok, Verdict.ok, Verdict.shot])
        #expect(results[0].packet == other.bytes)
        // The interface's tokens are spent: a packet to the VIP is dropped too; the other hook is not policed.
        #expect(try run(datapath, Self.packet()).verdict == Verdict.shot)
        #expect(try await datapath.connections().isEmpty)
        try await store.delete(ident: "pol")
        #expect(try run(datapath, Self.packet()).verdict == Verdict.redirect)
    }

    @Test func aRedPacketDoesNotOpenAFlowAndOtherRulesAreNotPoliced() async throws {
        let (datapath, store) = try await Self.setUp()
        try await store.add(Self.policy(cir: 8, pir: 8, cbs: 1514, ebs: 1514))
        #expect(try run(datapath, Self.packet(sport: 41000)).verdict == Verdict.redirect)
        #expect(try run(datapath, Self.packet(sport: 41001)).verdict == Verdict.shot)
        let flows = try await datapath.connections()
        #expect(!flows.isEmpty && flows.allSatisfy { $0.clientPort == 41000 })
        // Nothing of the refused flow: no reply entry either, and the endpoint counts one open flow.
        #expect(datapath.conntrack.entries().count == 2)
        #expect(try datapath.recountOpenFlows() == 0)
        // A policy on rules named otherwise leaves this one alone.
        try await store.delete(ident: "pol")
        try await store.add(Self.policy("other", cir: 8, pir: 8, cbs: 1514, ebs: 1514, target: "api"))
        for sport: UInt16 in 42000..<42010 {
            #expect(try run(datapath, Self.packet(sport: sport)).verdict == Verdict.redirect)
        }
        #expect(await store.entries().first?.policyStats == PolicyStats())
    }

    /// 200 Mbit/s offered for one simulated second to a 100 Mbit/s trTCM policer (PIR = CIR):
    /// what passes is within 5 % of 100 Mbit/s (12,500,000 bytes).
    @Test(arguments: [0, 1])
    func theRateHoldsOverASimulatedSecond(type: Int) async throws {
        let (datapath, store) = try await Self.setUp()
        try await store.add(Self.policy(type: type, cir: 100, pir: 100, cbs: 15000, ebs: 15000))
        let input = Self.packet(size: 1500)
        var passed = 0
        var now: UInt64 = 1_000_000_000
        for _ in 0..<16_667 {
            // 1500 bytes every 60 us = 200 Mbit/s.
            try Self.setClock(datapath, now)
            if try run(datapath, input).verdict == Verdict.redirect { passed += 1500 }
            now += 60_000
        }
        let expected = 12_500_000.0
        print("policer type \(type): \(passed) bytes passed of \(16_667 * 1500) offered in 1 s (expected \(expected))")
        #expect(abs(Double(passed) - expected) / expected < 0.05)
        let stats = try #require(await store.entries().first?.policyStats)
        #expect(Int(stats.greenBytes + stats.yellowBytes) == passed)
        #expect(stats.greenPackets + stats.yellowPackets + stats.redPackets == 16_667)
    }
}
