import BPFLoader
import Foundation
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// The firewall stages (bpf/lib/fw.h) through the real programs: every match field and action,
/// preference order, IPv4 and IPv6, established flows untouched, and 100,000 rules.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct FirewallFixtureTests {
    /// The fixture's service VIP:80 -> .10/.11/.12 with a firewall over the same maps.
    static func setUp(v6: Bool = false) async throws -> (EBPFDatapath, FirewallStore) {
        let datapath = v6 ? try await Fixture.datapath6() : try await Fixture.datapath()
        try datapath.clearFirewall()
        return (datapath, FirewallStore(persistence: InMemoryFirewallConfigStore(), datapath: datapath))
    }

    static func rule(
        source: String = "", destination: String = "", sports: (Int, Int) = (0, 0), dports: (Int, Int) = (0, 0),
        proto: Int = 0, port: String = "", preference: Int = 100, opts: FirewallOptions = FirewallOptions(drop: true)
    ) -> FirewallEntry {
        FirewallEntry(
            ruleArguments: FirewallRuleArguments(
                sourceIP: source, destinationIP: destination, minSourcePort: sports.0, maxSourcePort: sports.1,
                minDestinationPort: dports.0, maxDestinationPort: dports.1, protocol: proto, portName: port,
                preference: preference),
            opts: opts)
    }

    func run(_ datapath: EBPFDatapath, _ packet: [UInt8], on ifindex: Int32 = Fixture.clientSide) throws
        -> TestRun.Result
    {
        try TestRun.run(try datapath.programs().ingress, packet: packet, ifindex: ifindex)
    }

    @Test func aDropRuleOnTheSourcePrefixDropsAndCounts() async throws {
        let (datapath, firewall) = try await Self.setUp()
        try await firewall.add(Self.rule(source: "10.10.1.0/24"))
        let syn = Fixture.toVIP(sport: 41000).bytes
        #expect(try run(datapath, syn).verdict == Verdict.shot)
        let entry = try #require(await firewall.entries().first)
        #expect(entry.opts.counter == "1:\(syn.count)")
        #expect(try await datapath.packetCounters()["drop_firewall"] == 1)
        #expect(try await datapath.connections().isEmpty)
        // Deleting the rule restores the service.
        try await firewall.delete(entry.ruleArguments)
        #expect(try run(datapath, syn).verdict == Verdict.redirect)
    }

    @Test func otherSourcesPass() async throws {
        let (datapath, firewall) = try await Self.setUp()
        try await firewall.add(Self.rule(source: "10.10.9.0/24"))
        #expect(try run(datapath, Fixture.toVIP().bytes).verdict == Verdict.redirect)
        #expect(await firewall.entries().first?.opts.counter == "0:0")
    }

    @Test func theHighestPreferenceWinsWhateverTheOrder() async throws {
        let (datapath, firewall) = try await Self.setUp()
        try await firewall.add(Self.rule(source: "10.10.0.0/16", preference: 100))
        try await firewall.add(Self.rule(source: "10.10.1.2/32", preference: 200, opts: FirewallOptions(allow: true)))
        #expect(try run(datapath, Fixture.toVIP(sport: 41001).bytes).verdict == Verdict.redirect)
        try await firewall.add(Self.rule(destination: "10.10.100.1/32", preference: 300))
        #expect(try run(datapath, Fixture.toVIP(sport: 41002).bytes).verdict == Verdict.shot)
        let counters = Dictionary(
            uniqueKeysWithValues: await firewall.entries().map { ($0.ruleArguments.preference, $0.opts.counter) })
        #expect(counters[100]?.hasPrefix("0:") == true)
        #expect(counters[200]?.hasPrefix("1:") == true)
        #expect(counters[300]?.hasPrefix("1:") == true)
    }

    @Test func destinationPortAndProtocolMatchExactly() async throws {
        let (datapath, firewall) = try await Self.setUp()
        try await firewall.add(Self.rule(destination: "10.10.100.1/32", dports: (80, 80), proto: 6))
        #expect(try run(datapath, Fixture.toVIP(dport: 80).bytes).verdict == Verdict.shot)
        let other = Fixture.toVIP(dport: 81).bytes
        #expect(try run(datapath, other).verdict == Verdict.ok)
        #expect(try run(datapath, Fixture.toVIP(proto: 17, dport: 80).bytes).verdict == Verdict.ok)
    }

    @Test func portRangesMatchEveryPortInsideAndNoneOutside() async throws {
        let (datapath, firewall) = try await Self.setUp()
        try await firewall.add(Self.rule(sports: (41000, 41999), proto: 6))
        for sport: UInt16 in [41000, 41500, 41999] {
            #expect(try run(datapath, Fixture.toVIP(sport: sport).bytes).verdict == Verdict.shot, "\(sport)")
        }
        for sport: UInt16 in [40999, 42000] {
            #expect(try run(datapath, Fixture.toVIP(sport: sport).bytes).verdict == Verdict.redirect, "\(sport)")
        }
        try await firewall.add(Self.rule(dports: (70, 90), proto: 6, preference: 1))
        #expect(try run(datapath, Fixture.toVIP(sport: 43000, dport: 80).bytes).verdict == Verdict.shot)
        #expect(try run(datapath, Fixture.toVIP(sport: 43001, dport: 91).bytes).verdict == Verdict.ok)
    }

    @Test func theProtocolAloneMatches() async throws {
        let (datapath, firewall) = try await Self.setUp()
        try await firewall.add(Self.rule(proto: 17))
        #expect(try run(datapath, Fixture.toVIP(proto: 17).bytes).verdict == Verdict.shot)
        #expect(try run(datapath, Fixture.toVIP(proto: 6).bytes).verdict == Verdict.redirect)
    }

    @Test func theIncomingInterfaceMatches() async throws {
        let (datapath, firewall) = try await Self.setUp()
        try await firewall.add(Self.rule(port: "fx1"))
        #expect(try run(datapath, Fixture.toVIP(sport: 41000).bytes).verdict == Verdict.redirect)
        try await firewall.add(Self.rule(port: "fx0", preference: 5))
        #expect(try run(datapath, Fixture.toVIP(sport: 41001).bytes).verdict == Verdict.shot)
    }

    @Test func trapHandsThePacketToTheStackUntouched() async throws {
        let (datapath, firewall) = try await Self.setUp()
        try await firewall.add(Self.rule(source: "10.10.1.2/32", opts: FirewallOptions(trap: true)))
        let syn = Fixture.toVIP().bytes
        let result = try run(datapath, syn)
        #expect(result.verdict == Verdict.ok && result.packet == syn)
        #expect(try await datapath.packetCounters()["pass_firewall_trap"] == 1)
        #expect(try await datapath.connections().isEmpty)
    }

    @Test func redirectSendsThePacketOutOfTheRulesInterfaceUntouched() async throws {
        let (datapath, firewall) = try await Self.setUp()
        try await firewall.add(
            Self.rule(source: "10.10.1.2/32", opts: FirewallOptions(redirect: true, redirectPortName: "fx1")))
        let syn = Fixture.toVIP().bytes
        let result = try run(datapath, syn)
        #expect(result.verdict == Verdict.redirect && result.packet == syn)
        #expect(try await datapath.packetCounters()["fwd_firewall_redirect"] == 1)
        #expect(try await datapath.connections().isEmpty)
        await #expect(throws: APIError.self) {
            try await firewall.add(
                Self.rule(source: "10.10.1.3/32", opts: FirewallOptions(redirect: true, redirectPortName: "nosuch0")))
        }
    }

    @Test func allowWithAMarkSetsItAndBalances() async throws {
        let (datapath, firewall) = try await Self.setUp()
        try await firewall.add(Self.rule(source: "10.10.1.0/24", opts: FirewallOptions(allow: true, fwMark: 42)))
        let result = try run(datapath, Fixture.toVIP().bytes)
        #expect(result.verdict == Verdict.redirect && result.mark == 42)
    }

    @Test func icmpMeetsTheFirewallToo() async throws {
        let (datapath, firewall) = try await Self.setUp()
        let echo = RawFrame(
            srcMAC: Fixture.clientMAC, dstMAC: Fixture.clientSideMAC, src: [10, 10, 1, 2], dst: [10, 10, 100, 1],
            proto: 1, l4: ICMP.echo(id: 1, seq: 1, payload: [1, 2, 3, 4])
        ).bytes
        let passed = try run(datapath, echo)
        #expect(passed.verdict == Verdict.ok && passed.packet == echo)
        try await firewall.add(Self.rule(source: "10.10.1.2/32", proto: 1))
        #expect(try run(datapath, echo).verdict == Verdict.shot)
        #expect(try run(datapath, Fixture.toVIP().bytes).verdict == Verdict.redirect)
        #expect(await firewall.entries().first?.opts.counter == "1:\(echo.count)")
    }

    @Test func icmpv6EchoMeetsTheFirewallToo() async throws {
        let (datapath, firewall) = try await Self.setUp(v6: true)
        var ping = Fixture.toVIP6(proto: 58, sport: 0x1234, dport: 7)
        ping.icmpType = 128
        #expect(try run(datapath, ping.bytes).verdict == Verdict.redirect)  // answered without a rule
        try await firewall.add(Self.rule(source: "fd00:10:1::/64", proto: 58))
        #expect(try run(datapath, ping.bytes).verdict == Verdict.shot)
        #expect(try run(datapath, Fixture.toVIP6().bytes).verdict == Verdict.redirect)
    }

    @Test func establishedFlowsAreNotReevaluated() async throws {
        let (datapath, firewall) = try await Self.setUp()
        #expect(try run(datapath, Fixture.toVIP(sport: 41000).bytes).verdict == Verdict.redirect)
        try await firewall.add(Self.rule(source: "10.10.1.0/24"))
        let ack = Fixture.toVIP(sport: 41000, flags: TCPFlags.ack).bytes
        #expect(try run(datapath, ack).verdict == Verdict.redirect)
        #expect(try run(datapath, Fixture.toVIP(sport: 41001).bytes).verdict == Verdict.shot)
    }

    @Test func ipv6RulesMatchIPv6PacketsOnly() async throws {
        let (datapath, firewall) = try await Self.setUp(v6: true)
        try await firewall.add(Self.rule(source: "fd00:10:1::/64", dports: (80, 80), proto: 6))
        #expect(try run(datapath, Fixture.toVIP6(sport: 41000).bytes).verdict == Verdict.shot)
        #expect(try run(datapath, Fixture.toVIP6(sport: 41001, dport: 81).bytes).verdict == Verdict.ok)
        try await firewall.add(
            Self.rule(source: "fd00:10:1::2/128", preference: 200, opts: FirewallOptions(allow: true)))
        #expect(try run(datapath, Fixture.toVIP6(sport: 41002).bytes).verdict == Verdict.redirect)
        try await firewall.add(Self.rule(source: "10.10.1.0/24", preference: 300))
        #expect(try run(datapath, Fixture.toVIP6(sport: 41003).bytes).verdict == Verdict.redirect)
    }

    /// 100,000 rules load and the lookup still finds the right one; the load time is printed, not asserted.
    @Test func hundredThousandRules() async throws {
        let (datapath, firewall) = try await Self.setUp()
        let clock = ContinuousClock()
        let started = clock.now
        for index in 0..<100_000 {
            // 100,000 /32 sources in 10.20.0.0/16 and 10.21.0.0/16..., plus the client as the last one.
            let address = "10.\(20 + index / 65536).\((index / 256) % 256).\(index % 256)/32"
            try await firewall.add(Self.rule(source: address, preference: index % 1000))
        }
        let elapsed = clock.now - started
        print("firewall: 100000 rules loaded in \(elapsed)")
        #expect(await firewall.count == 100_000)
        #expect(try run(datapath, Fixture.toVIP(sport: 41000).bytes).verdict == Verdict.redirect)
        try await firewall.add(Self.rule(source: "10.10.1.2/32"))
        #expect(try run(datapath, Fixture.toVIP(sport: 41001).bytes).verdict == Verdict.shot)
    }
}
