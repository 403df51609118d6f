import BPFLoader
import PacketTestSupport
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Rules with `everyPacket` through the real programs: they act on packets of flows tracked before
/// them (the entry and V6 send those through FW4 / FW6 while such a rule exists), in both
/// directions, first match by preference still wins, and without such a rule tracked flows skip
/// the firewall as before.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct FirewallEveryPacketFixtureTests {
    func run(_ datapath: EBPFDatapath, _ packet: [UInt8], on ifindex: Int32 = Fixture.clientSide) throws
        -> TestRun.Result
    {
        try TestRun.run(try datapath.programs().ingress, packet: packet, ifindex: ifindex)
    }

    /// Opens an IPv4 flow from the client's `sport` to the VIP with a whole handshake (SYN, the
    /// endpoint's SYN-ACK, ACK): ESTABLISHED outlives a slow run, where a SYN_SENT entry may not.
    /// Returns the endpoint's address.
    @discardableResult
    func established(_ datapath: EBPFDatapath, sport: UInt16) throws -> [UInt8] {
        let out = try run(datapath, Fixture.toVIP(sport: sport).bytes)
        #expect(out.verdict == Verdict.redirect)
        let ep = Array(out.packet[30..<34])
        let synAck = Packet(
            srcMAC: Fixture.endpointMAC(ep[3]), dstMAC: Fixture.serverSideMAC, src: (ep[0], ep[1], ep[2], ep[3]),
            dst: Fixture.client, sport: 8080, dport: sport, tcpFlags: TCPFlags.syn | TCPFlags.ack)
        #expect(try run(datapath, synAck.bytes, on: Fixture.serverSide).verdict == Verdict.redirect)
        #expect(try run(datapath, Fixture.toVIP(sport: sport, flags: TCPFlags.ack).bytes).verdict == Verdict.redirect)
        return ep
    }

    /// `established` for the IPv6 VIP.
    func established6(_ datapath: EBPFDatapath, sport: UInt16) throws {
        let out = try run(datapath, Fixture.toVIP6(sport: sport).bytes)
        #expect(out.verdict == Verdict.redirect)
        let synAck = Packet6(
            srcMAC: Fixture.endpointMAC(out.packet[53]), dstMAC: Fixture.serverSideMAC, src: Array(out.packet[38..<54]),
            dst: Fixture.client6, sport: 8080, dport: sport, tcpFlags: TCPFlags.syn | TCPFlags.ack)
        #expect(try run(datapath, synAck.bytes, on: Fixture.serverSide).verdict == Verdict.redirect)
        #expect(try run(datapath, Fixture.toVIP6(sport: sport, flags: TCPFlags.ack).bytes).verdict == Verdict.redirect)
    }

    static func every(_ opts: FirewallOptions = FirewallOptions(drop: true)) -> FirewallOptions {
        var opts = opts
        opts.everyPacket = true
        return opts
    }

    @Test func anEveryPacketDropCutsATrackedFlowAndItsRemovalRestoresIt() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp()
        try established(datapath, sport: 43000)
        let ack = Fixture.toVIP(sport: 43000, flags: TCPFlags.ack).bytes
        try await firewall.add(FirewallFixtureTests.rule(source: "10.10.1.2/32"))
        #expect(try run(datapath, ack).verdict == Verdict.redirect, "a plain rule leaves tracked flows alone")

        try await firewall.add(FirewallFixtureTests.rule(source: "10.10.1.0/24", preference: 200, opts: Self.every()))
        #expect(try run(datapath, ack).verdict == Verdict.shot)
        #expect(try run(datapath, ack).verdict == Verdict.shot)
        let counters = Dictionary(
            uniqueKeysWithValues: await firewall.entries().map { ($0.ruleArguments.sourceIP, $0.opts.counter) })
        #expect(counters["10.10.1.0/24"] == "2:\(2 * ack.count)", "both tracked packets counted")
        #expect(counters["10.10.1.2/32"] == "0:0")
        #expect(try await datapath.packetCounters()["drop_firewall"] == 2)

        try await firewall.delete(FirewallRuleArguments(sourceIP: "10.10.1.0/24", preference: 200))
        #expect(try run(datapath, ack).verdict == Verdict.redirect, "the flow goes on without the rule")
    }

    @Test func aHigherRuleWithoutEveryPacketShieldsTrackedFlows() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp()
        try established(datapath, sport: 43100)
        try await firewall.add(FirewallFixtureTests.rule(source: "10.10.1.0/24", opts: Self.every()))
        try await firewall.add(
            FirewallFixtureTests.rule(source: "10.10.1.2/32", preference: 200, opts: FirewallOptions(allow: true)))
        let ack = Fixture.toVIP(sport: 43100, flags: TCPFlags.ack).bytes
        #expect(try run(datapath, ack).verdict == Verdict.redirect, "first match: the allow at 200")
        #expect(try run(datapath, Fixture.toVIP(sport: 43101).bytes).verdict == Verdict.redirect)
        #expect(try await datapath.packetCounters()["drop_firewall"] == 0)
    }

    @Test func repliesOfTrackedFlowsMeetTheRuleToo() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp()
        let ep = try established(datapath, sport: 43200)
        let reply = Packet(
            srcMAC: Fixture.endpointMAC(ep[3]), dstMAC: Fixture.serverSideMAC, src: (ep[0], ep[1], ep[2], ep[3]),
            dst: Fixture.client, sport: 8080, dport: 43200, tcpFlags: TCPFlags.ack)
        #expect(try run(datapath, reply.bytes, on: Fixture.serverSide).verdict == Verdict.redirect)
        try await firewall.add(FirewallFixtureTests.rule(source: "10.10.2.0/24", proto: 6, opts: Self.every()))
        #expect(try run(datapath, reply.bytes, on: Fixture.serverSide).verdict == Verdict.shot)
    }

    @Test func anEveryPacketMarkAndTrapApplyToTrackedPackets() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp()
        try established(datapath, sport: 43300)
        let ack = Fixture.toVIP(sport: 43300, flags: TCPFlags.ack).bytes
        try await firewall.add(
            FirewallFixtureTests.rule(
                source: "10.10.1.2/32", opts: Self.every(FirewallOptions(allow: true, fwMark: 77))))
        let marked = try run(datapath, ack)
        #expect(marked.verdict == Verdict.redirect && marked.mark == 77, "allowed on, with the mark")
        try await firewall.add(
            FirewallFixtureTests.rule(
                source: "10.10.1.0/24", preference: 300, opts: Self.every(FirewallOptions(trap: true))))
        let trapped = try run(datapath, ack)
        #expect(trapped.verdict == Verdict.ok && trapped.packet == ack, "to the stack untouched")
    }

    @Test func ipv6TrackedFlowsMeetEveryPacketRules() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp(v6: true)
        try established6(datapath, sport: 43400)
        let ack = Fixture.toVIP6(sport: 43400, flags: TCPFlags.ack).bytes
        try await firewall.add(FirewallFixtureTests.rule(source: "fd00:10:1::/64"))
        #expect(try run(datapath, ack).verdict == Verdict.redirect, "a plain rule leaves tracked flows alone")
        try await firewall.add(
            FirewallFixtureTests.rule(source: "fd00:10:1::2/128", preference: 200, opts: Self.every()))
        #expect(try run(datapath, ack).verdict == Verdict.shot)
        try await firewall.delete(FirewallRuleArguments(sourceIP: "fd00:10:1::2/128", preference: 200))
        let again = try run(datapath, ack)
        #expect(again.verdict == Verdict.redirect)
        #expect(Checksum6.valid(again.packet))
    }

    @Test func anIPv4EveryPacketRuleLeavesIPv6FlowsOnTheirPath() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp(v6: true)
        try established6(datapath, sport: 43500)
        try await firewall.add(FirewallFixtureTests.rule(source: "0.0.0.0/0", opts: Self.every()))
        let ack = try run(datapath, Fixture.toVIP6(sport: 43500, flags: TCPFlags.ack).bytes)
        #expect(ack.verdict == Verdict.redirect)
        #expect(Array(ack.packet[38..<54]).prefix(14).elementsEqual(Fixture.endpoint6(10).prefix(14)))
        #expect(Checksum6.valid(ack.packet))
    }
}
