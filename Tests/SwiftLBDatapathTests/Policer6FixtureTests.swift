import BPFLoader
import Foundation
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Rule policers on IPv6 flows (pipeline6.h: V6/NEW6 -> POLICE): NAT66 and NAT64 flows of a policed rule,
/// both directions, new and established, coloured on the fixture's clock. Yellow packets carry AF12 in the
/// traffic class (IPv6) or the TOS (translated to IPv4, and NAT64 replies back to IPv6), ECN bits kept; red
/// ones are dropped, and a red first packet leaves no conntrack entry and no open-flow count behind.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct Policer6FixtureTests {
    /// The IPv6 service (NAT66 or NAT64) under a policy store whose rule "web6" selects it.
    static func setUp(nat64: Bool) async throws -> (IPv6RuleFixture, PolicyStore) {
        let fixture = try await IPv6RuleFixture(nat64: nat64)
        let handoff = PolicyHandoff()
        try await handoff.attach(fixture.datapath)
        let store = PolicyStore(
            persistence: InMemoryPolicyConfigStore(), datapath: handoff,
            rules: { ["web6": [IPv6RuleFixture.serviceID]] })
        try PolicerFixtureTests.setClock(fixture.datapath, 1_000_000_000)
        return (fixture, store)
    }

    static func policy(type: Int = 0, cir: Int, pir: Int = 0, cbs: Int, ebs: Int, color: Bool = false) -> PolicyEntry {
        PolicerFixtureTests.policy(type: type, cir: cir, pir: pir, cbs: cbs, ebs: ebs, color: color, target: "web6")
    }

    @Test(arguments: [false, true])
    func greenThenYellowWithAF12InTheTrafficClassThenRed(nat64: Bool) async throws {
        let (fixture, store) = try await Self.setUp(nat64: nat64)
        // 8 Mbit/s = 1 byte/us committed, 16 Mbit/s peak; buckets of 3000 and 6000 bytes; 1000-byte packets.
        try await store.add(Self.policy(cir: 8, pir: 16, cbs: 3000, ebs: 6000))
        // ECT(0) in the two low bits: marking changes the DSCP only.
        let request = IPv6RuleFixture.request(tc: 0x02)
        let results = try (0..<7).map { _ in try fixture.run(request.bytes) }
        #expect(results.map(\.verdict) == Array(repeating: Verdict.redirect, count: 6) + [Verdict.shot])
        let port = fixture.sourcePort(results[0].packet)
        for (index, result) in results.prefix(6).enumerated() {
            // Three green (unchanged class), then three yellow: AF12 (12 << 2) with ECN kept.
            let tc: UInt8 = index < 3 ? 0x02 : 0x32
            #expect(result.packet == fixture.out(request, tc: tc, port: port, id: UInt16(index + 1)), "packet \(index)")
            #expect(nat64 ? Checksum.valid(result.packet) : Checksum6.valid(result.packet))
        }
        let stats = try #require(await store.entries().first?.policyStats)
        #expect(
            stats
                == PolicyStats(
                    greenPackets: 3, greenBytes: 3000, yellowPackets: 3, yellowBytes: 3000, redPackets: 1,
                    redBytes: 1000))
        let counters = try await fixture.datapath.packetCounters()
        #expect(counters["policer_green"] == 3 && counters["policer_yellow"] == 3 && counters["drop_policer_red"] == 1)
        // The red packet was not counted into the flow: NAT64's IPv4 ID goes on from 7.
        try PolicerFixtureTests.setClock(fixture.datapath, 1_001_100_000)
        let later = try fixture.run(request.bytes)
        #expect(later.packet == fixture.out(request, tc: 0x02, port: port, id: 7))
        #expect(try await fixture.datapath.connections().first?.counters.packets == 7)
    }

    @Test(arguments: [false, true])
    func aRedFirstPacketLeavesNoFlowBehind(nat64: Bool) async throws {
        let (fixture, store) = try await Self.setUp(nat64: nat64)
        try await store.add(Self.policy(cir: 8, pir: 8, cbs: 1514, ebs: 1514))
        #expect(try fixture.run(IPv6RuleFixture.request(sport: 41000).bytes).verdict == Verdict.redirect)
        #expect(try fixture.run(IPv6RuleFixture.request(sport: 41001).bytes).verdict == Verdict.shot)
        // The passed flow's two entries, nothing of the refused one; the endpoint counts one open flow.
        let flows = try await fixture.datapath.connections()
        #expect(flows.count == 1 && flows.first?.clientPort == 41000)
        #expect(fixture.datapath.conntrack.entries().count == 2)
        #expect(try fixture.datapath.recountOpenFlows() == 0)
        // Once tokens are back, the refused client opens its flow normally.
        try PolicerFixtureTests.setClock(fixture.datapath, 1_002_000_000)
        #expect(try fixture.run(IPv6RuleFixture.request(sport: 41001).bytes).verdict == Verdict.redirect)
        #expect(fixture.datapath.conntrack.entries().count == 4)
    }

    @Test(arguments: [false, true])
    func repliesShareTheBucketAndCarryTheirMarkBackToIPv6(nat64: Bool) async throws {
        let (fixture, store) = try await Self.setUp(nat64: nat64)
        // Committed: one 1000-byte packet (the smallest bucket is 1514 bytes); peak: three.
        try await store.add(Self.policy(cir: 8, pir: 16, cbs: 1514, ebs: 3000))
        let request = IPv6RuleFixture.request()
        let first = try fixture.run(request.bytes)
        #expect(first.verdict == Verdict.redirect)
        let port = fixture.sourcePort(first.packet)
        #expect(first.packet == fixture.out(request, tc: 0, port: port, id: 1))
        // The endpoint's replies (IPv4 for NAT64: the IPv4 entry polices them, NAT46 translates) are yellow
        // while peak tokens last: AF12 in the traffic class the client gets, then red.
        let reply = fixture.reply(port: port, tc: 0x01)
        let replies = try (0..<3).map { _ in try fixture.run(reply, on: Fixture.serverSide) }
        #expect(replies.map(\.verdict) == [Verdict.redirect, Verdict.redirect, Verdict.shot])
        for result in replies.prefix(2) {
            #expect(result.packet == fixture.back(clientPort: 40000, tc: 0x31))
            #expect(Checksum6.valid(result.packet))
        }
        let stats = try #require(await store.entries().first?.policyStats)
        #expect(stats.greenPackets == 1 && stats.yellowPackets == 2 && stats.redPackets == 1)
        // The flow stays: the reply dropped was not its first packet.
        #expect(try await fixture.datapath.connections().count == 1)
    }

    @Test func anIPv6DSRFlowIsPolicedAndARedFirstPacketLeavesNoEntry() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(
            DatapathService(
                id: IPv6RuleFixture.serviceID, key: ServiceKey(vip: .v6(Fixture.vip6), port: 80, proto: .udp),
                selection: .hash, mode: .dsr,
                endpoints: [DatapathEndpoint(address: .v6(Fixture.endpoint6(10)), port: 80, weight: 1)]))
        let handoff = PolicyHandoff()
        try await handoff.attach(datapath)
        let store = PolicyStore(
            persistence: InMemoryPolicyConfigStore(), datapath: handoff,
            rules: { ["web6": [IPv6RuleFixture.serviceID]] })
        try PolicerFixtureTests.setClock(datapath, 1_000_000_000)
        try await store.add(Self.policy(cir: 8, pir: 8, cbs: 1514, ebs: 1514))
        let run = { (bytes: [UInt8]) in
            try TestRun.run(try datapath.programs().ingress, packet: bytes, ifindex: Fixture.clientSide)
        }
        // Green: only MACs and hop limit change (L2 DSR).
        let passed = IPv6RuleFixture.request(sport: 41000)
        var expected = passed
        (expected.srcMAC, expected.dstMAC, expected.hopLimit) = (Fixture.serverSideMAC, Fixture.endpointMAC(10), 63)
        let result = try run(passed.bytes)
        #expect(result.verdict == Verdict.redirect && result.packet == expected.bytes)
        // Red first packet of another flow: dropped, its single entry undone.
        #expect(try run(IPv6RuleFixture.request(sport: 41001).bytes).verdict == Verdict.shot)
        #expect(try datapath.conntrack.keys(limit: 16).count == 1)
        #expect(try datapath.recountOpenFlows() == 0)
        #expect(try #require(await store.entries().first?.policyStats).redPackets == 1)
    }

    @Test func colourAwareIPv6PacketsKeepTheirPrecolour() async throws {
        let (fixture, store) = try await Self.setUp(nat64: false)
        try await store.add(Self.policy(cir: 8, pir: 16, cbs: 3000, ebs: 6000, color: true))
        // AF13 in the traffic class is red whatever the buckets hold; AF31 is green, then AF32 once yellow.
        #expect(try fixture.run(IPv6RuleFixture.request(tc: 14 << 2).bytes).verdict == Verdict.shot)
        let af31 = IPv6RuleFixture.request(sport: 40001, tc: 26 << 2)
        let results = try (0..<4).map { _ in try fixture.run(af31.bytes) }
        #expect(results.map(\.verdict) == Array(repeating: Verdict.redirect, count: 4))
        #expect(results[0].packet == fixture.out(af31, tc: 26 << 2, port: 40001, id: 0))
        #expect(results[3].packet == fixture.out(af31, tc: 28 << 2, port: 40001, id: 0))
    }

    @Test func otherRulesIPv6FlowsAreNotPoliced() async throws {
        let (fixture, store) = try await Self.setUp(nat64: false)
        try await store.add(PolicerFixtureTests.policy(cir: 8, pir: 8, cbs: 1514, ebs: 1514, target: "api"))
        for sport: UInt16 in 42000..<42010 {
            #expect(try fixture.run(IPv6RuleFixture.request(sport: sport).bytes).verdict == Verdict.redirect)
        }
        #expect(await store.entries().first?.policyStats == PolicyStats())
    }

    /// 200 Mbit/s of IPv6 (NAT66) offered for one simulated second to a 100 Mbit/s policer (PIR = CIR): what
    /// passes is within 5 % of 100 Mbit/s (12,500,000 bytes), as for IPv4.
    @Test(arguments: [0, 1])
    func theRateHoldsForIPv6OverASimulatedSecond(type: Int) async throws {
        let (fixture, store) = try await Self.setUp(nat64: false)
        try await store.add(Self.policy(type: type, cir: 100, pir: 100, cbs: 15000, ebs: 15000))
        let input = IPv6RuleFixture.request(size: 1500).bytes
        var passed = 0
        var now: UInt64 = 1_000_000_000
        for _ in 0..<16_667 {
            // 1500 bytes every 60 us = 200 Mbit/s.
            try PolicerFixtureTests.setClock(fixture.datapath, now)
            if try fixture.run(input).verdict == Verdict.redirect { passed += 1500 }
            now += 60_000
        }
        let expected = 12_500_000.0
        print(
            "IPv6 policer type \(type): \(passed) bytes passed of \(16_667 * 1500) offered in 1 s (expected \(expected))"
        )
        #expect(abs(Double(passed) - expected) / expected < 0.05)
        let stats = try #require(await store.entries().first?.policyStats)
        #expect(Int(stats.greenBytes + stats.yellowBytes) == passed)
        #expect(stats.greenPackets + stats.yellowPackets + stats.redPackets == 16_667)
    }
}
