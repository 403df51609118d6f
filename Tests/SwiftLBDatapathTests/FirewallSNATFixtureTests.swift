import BPFLoader
import PacketTestSupport
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Firewall `doSnat` rules (bpf/lib/flow.h slb_flow_fw_snat4) through the real programs: the flow
/// keeps its destination, leaves from the rule's address with an allocated port, and its replies
/// are translated back; `onDefault` leaves service traffic to load balancing.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct FirewallSNATFixtureTests {
    static let snatAddress: (UInt8, UInt8, UInt8, UInt8) = (10, 10, 50, 1)

    static func snatRule(source: String = "10.10.1.0/24", port: Int = 0, onDefault: Bool = false) -> FirewallEntry {
        FirewallFixtureTests.rule(
            source: source, preference: 100,
            opts: FirewallOptions(doSnat: true, toIP: "10.10.50.1", toPort: port, onDefault: onDefault))
    }

    /// A SYN from the client (last octet `client`) straight to endpoint .10:8080, not to a VIP.
    static func toServer(client: UInt8 = 2, sport: UInt16 = 40000) -> Packet {
        Packet(src: (10, 10, 1, client), dst: Fixture.endpoint(10), sport: sport, dport: 8080)
    }

    func ingress(_ datapath: EBPFDatapath, _ packet: Packet, on ifindex: Int32 = Fixture.clientSide) throws
        -> TestRun.Result
    {
        try TestRun.run(try datapath.programs().ingress, packet: packet.bytes, ifindex: ifindex)
    }

    static func sourcePort(_ frame: [UInt8]) -> UInt16 { UInt16(frame[34]) << 8 | UInt16(frame[35]) }

    @Test func aSNATFlowLeavesFromTheRuleAddressKeepsItsPortAndItsRepliesComeBack() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp()
        try await firewall.add(Self.snatRule())
        let syn = Self.toServer()
        let out = try ingress(datapath, syn)
        var expected = syn
        (expected.src, expected.ttl) = (Self.snatAddress, 63)
        (expected.srcMAC, expected.dstMAC) = (Fixture.serverSideMAC, Fixture.endpointMAC(10))
        #expect(out.verdict == Verdict.redirect)
        #expect(out.packet == expected.bytes, "source rewritten, port kept (free), destination unchanged")
        #expect(Checksum.valid(out.packet))

        let synAck = Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
            dst: Self.snatAddress, sport: 8080, dport: 40000, tcpFlags: TCPFlags.syn | TCPFlags.ack)
        let back = try ingress(datapath, synAck, on: Fixture.serverSide)
        var expectedBack = synAck
        (expectedBack.dst, expectedBack.ttl) = (Fixture.client, 63)
        (expectedBack.srcMAC, expectedBack.dstMAC) = (Fixture.clientSideMAC, Fixture.clientMAC)
        #expect(back.verdict == Verdict.redirect)
        #expect(back.packet == expectedBack.bytes, "the reply goes back to the client, source unchanged")
        #expect(Checksum.valid(back.packet))

        // The flow is tracked: the next packet passes without the firewall (its counter stays at 1).
        var ack = syn
        ack.tcpFlags = TCPFlags.ack
        #expect(try ingress(datapath, ack).verdict == Verdict.redirect)
        #expect(await firewall.entries().first?.opts.counter == "1:\(syn.bytes.count)")
        #expect(try await datapath.packetCounters()["ct_fw_snat"] == 1)
        let flows = try await datapath.connections()
        #expect(flows.count == 1 && flows.first?.endpointAddress == .v4(0x0a0a_020a))
    }

    @Test func twoClientsWithTheSamePortGetDifferentPorts() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp()
        try await firewall.add(Self.snatRule())
        let first = try ingress(datapath, Self.toServer(client: 2, sport: 41000))
        let second = try ingress(datapath, Self.toServer(client: 3, sport: 41000))
        #expect(first.verdict == Verdict.redirect && second.verdict == Verdict.redirect)
        #expect(Self.sourcePort(first.packet) == 41000)
        #expect(Self.sourcePort(second.packet) != 41000, "the reply key of the first flow is taken")
        #expect(Array(second.packet[26..<30]) == [10, 10, 50, 1])
        #expect(Checksum.valid(second.packet))
    }

    @Test func toPortIsTheFirstPortTried() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp()
        try await firewall.add(Self.snatRule(port: 33030))
        let first = try ingress(datapath, Self.toServer(sport: 41000))
        let second = try ingress(datapath, Self.toServer(sport: 41001))
        #expect(Self.sourcePort(first.packet) == 33030)
        #expect(Self.sourcePort(second.packet) == 33031)
    }

    @Test func withoutOnDefaultTheRuleTakesServiceTrafficToo() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp()
        try await firewall.add(Self.snatRule())
        let out = try ingress(datapath, Fixture.toVIP(sport: 42000))
        #expect(out.verdict != Verdict.shot)
        #expect(Array(out.packet[26..<30]) == [10, 10, 50, 1], "source NATed")
        #expect(Array(out.packet[30..<34]) == [10, 10, 100, 1], "destination still the VIP: not load balanced")
    }

    @Test func onDefaultLeavesServiceTrafficToLoadBalancing() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp()
        try await firewall.add(Self.snatRule(onDefault: true))
        let lb = try ingress(datapath, Fixture.toVIP(sport: 42001))
        #expect(lb.verdict == Verdict.redirect)
        #expect(Array(lb.packet[26..<30]) == [10, 10, 1, 2], "the fixture's service is DNAT only")
        #expect(lb.packet[30..<33].elementsEqual([10, 10, 2]), "load balanced to an endpoint")
        let other = try ingress(datapath, Self.toServer(sport: 42002))
        #expect(other.verdict == Verdict.redirect)
        #expect(Array(other.packet[26..<30]) == [10, 10, 50, 1], "no service: the SNAT rule takes it")
        #expect(try await datapath.packetCounters()["ct_fw_snat"] == 1)
    }

    @Test func onABackupTheOnDefaultRuleTranslatesNothingUntilItBecomesMaster() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp()
        try await firewall.add(Self.snatRule(onDefault: true))
        try await firewall.setStandby(true)
        let syn = Self.toServer(sport: 42100)
        let backup = try ingress(datapath, syn)
        #expect(backup.verdict == Verdict.ok && backup.packet == syn.bytes, "withdrawn: no rule, no service")
        #expect(try await datapath.packetCounters()["ct_fw_snat"] == 0)

        try await firewall.setStandby(false)
        let master = try ingress(datapath, Self.toServer(sport: 42101))
        #expect(master.verdict == Verdict.redirect)
        #expect(Array(master.packet[26..<30]) == [10, 10, 50, 1])
        #expect(Checksum.valid(master.packet))
        #expect(try await datapath.packetCounters()["ct_fw_snat"] == 1)
    }

    @Test func otherSourcesAreLeftAlone() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp()
        try await firewall.add(Self.snatRule(source: "10.10.9.0/24"))
        let syn = Self.toServer()
        let out = try ingress(datapath, syn)
        #expect(out.verdict == Verdict.ok && out.packet == syn.bytes, "no rule, no service: untouched")
    }
}
