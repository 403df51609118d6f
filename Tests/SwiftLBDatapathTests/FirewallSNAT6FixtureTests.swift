import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Firewall `doSnat` rules on IPv6 (bpf/lib/flow.h slb_flow_fw_snat6) through the real programs:
/// the flow keeps its destination, leaves from the rule's IPv6 address with an allocated port,
/// its replies are translated back, and `onDefault` leaves the IPv6 service to load balancing.
/// Frames are compared whole with ones built independently (Packet6, checksums from scratch).
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct FirewallSNAT6FixtureTests {
    static let snatAddress = Fixture.ip6("fd00:10:50::1")

    static func snatRule(source: String = "fd00:10:1::/64", port: Int = 0, onDefault: Bool = false)
        -> FirewallEntry
    {
        FirewallFixtureTests.rule(
            source: source, preference: 100,
            opts: FirewallOptions(doSnat: true, toIP: "fd00:10:50::1", toPort: port, onDefault: onDefault))
    }

    /// A SYN from the client (`client`: the last group of its address) straight to endpoint ::a:8080.
    static func toServer(client: UInt8 = 2, sport: UInt16 = 40000, proto: UInt8 = 6) -> Packet6 {
        var source = Fixture.client6
        source[15] = client
        return Packet6(
            srcMAC: Fixture.clientMAC, dstMAC: Fixture.clientSideMAC, src: source, dst: Fixture.endpoint6(10),
            proto: proto, sport: sport, dport: 8080)
    }

    func ingress(_ datapath: EBPFDatapath, _ packet: Packet6, on ifindex: Int32 = Fixture.clientSide) throws
        -> TestRun.Result
    {
        try TestRun.run(try datapath.programs().ingress, packet: packet.bytes, ifindex: ifindex)
    }

    static func sourcePort(_ frame: [UInt8]) -> UInt16 { UInt16(frame[54]) << 8 | UInt16(frame[55]) }
    static func source(_ frame: [UInt8]) -> [UInt8] { Array(frame[22..<38]) }
    static func destination(_ frame: [UInt8]) -> [UInt8] { Array(frame[38..<54]) }

    /// The frame `packet` leaves as toward endpoint ::a after the rule's translation to `port`.
    static func translated(_ packet: Packet6, port: UInt16) -> Packet6 {
        var expected = packet
        (expected.src, expected.sport, expected.hopLimit) = (snatAddress, port, 63)
        (expected.srcMAC, expected.dstMAC) = (Fixture.serverSideMAC, Fixture.endpointMAC(10))
        return expected
    }

    @Test func aSNATFlowLeavesFromTheRuleAddressKeepsItsPortAndItsRepliesComeBack() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp(v6: true)
        try await firewall.add(Self.snatRule())
        let syn = Self.toServer()
        let out = try ingress(datapath, syn)
        #expect(out.verdict == Verdict.redirect)
        #expect(out.packet == Self.translated(syn, port: 40000).bytes, "source rewritten, port kept (free)")
        #expect(Checksum6.valid(out.packet))

        let synAck = Packet6(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint6(10),
            dst: Self.snatAddress, sport: 8080, dport: 40000, tcpFlags: TCPFlags.syn | TCPFlags.ack)
        let back = try ingress(datapath, synAck, on: Fixture.serverSide)
        var expectedBack = synAck
        (expectedBack.dst, expectedBack.hopLimit) = (Fixture.client6, 63)
        (expectedBack.srcMAC, expectedBack.dstMAC) = (Fixture.clientSideMAC, Fixture.clientMAC)
        #expect(back.verdict == Verdict.redirect)
        #expect(back.packet == expectedBack.bytes, "the reply goes back to the client, source unchanged")
        #expect(Checksum6.valid(back.packet))

        // Tracked: the next packet passes without the firewall (its counter stays at 1).
        var ack = syn
        ack.tcpFlags = TCPFlags.ack
        let next = try ingress(datapath, ack)
        #expect(next.verdict == Verdict.redirect && next.packet == Self.translated(ack, port: 40000).bytes)
        #expect(await firewall.entries().first?.opts.counter == "1:\(syn.bytes.count)")
        #expect(try await datapath.packetCounters()["ct_fw_snat"] == 1)
        let flows = try await datapath.connections()
        #expect(flows.count == 1 && flows.first?.endpointAddress == .v6(Fixture.endpoint6(10)))
    }

    @Test func udpIsTranslatedToo() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp(v6: true)
        try await firewall.add(Self.snatRule())
        var datagram = Self.toServer(sport: 40500, proto: 17)
        datagram.payload = Array("hello".utf8)
        let out = try ingress(datapath, datagram)
        #expect(out.verdict == Verdict.redirect)
        #expect(out.packet == Self.translated(datagram, port: 40500).bytes)
        #expect(Checksum6.valid(out.packet))
    }

    @Test func extensionHeadersAreKept() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp(v6: true)
        try await firewall.add(Self.snatRule())
        var syn = Self.toServer(sport: 40600)
        syn.extensions = [.hopByHop, .destination]
        let out = try ingress(datapath, syn)
        #expect(out.verdict == Verdict.redirect)
        #expect(out.packet == Self.translated(syn, port: 40600).bytes)
        #expect(Checksum6.valid(out.packet))
    }

    @Test func twoClientsWithTheSamePortGetDifferentPorts() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp(v6: true)
        try await firewall.add(Self.snatRule())
        let first = try ingress(datapath, Self.toServer(client: 2, sport: 41000))
        let second = try ingress(datapath, Self.toServer(client: 3, sport: 41000))
        #expect(first.verdict == Verdict.redirect && second.verdict == Verdict.redirect)
        #expect(Self.sourcePort(first.packet) == 41000)
        #expect(Self.sourcePort(second.packet) != 41000, "the reply key of the first flow is taken")
        #expect(Self.source(second.packet) == Self.snatAddress)
        #expect(Checksum6.valid(second.packet))
    }

    @Test func toPortIsTheFirstPortTried() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp(v6: true)
        try await firewall.add(Self.snatRule(port: 33030))
        let first = try ingress(datapath, Self.toServer(sport: 41000))
        let second = try ingress(datapath, Self.toServer(sport: 41001))
        #expect(first.packet == Self.translated(Self.toServer(sport: 41000), port: 33030).bytes)
        #expect(Self.sourcePort(second.packet) == 33031)
    }

    @Test func withoutOnDefaultTheRuleTakesServiceTrafficToo() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp(v6: true)
        try await firewall.add(Self.snatRule())
        let out = try ingress(datapath, Fixture.toVIP6(sport: 42000))
        #expect(Self.source(out.packet) == Self.snatAddress, "source NATed")
        #expect(Self.destination(out.packet) == Fixture.vip6, "destination still the VIP: not load balanced")
    }

    @Test func onDefaultLeavesServiceTrafficToLoadBalancing() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp(v6: true)
        try await firewall.add(Self.snatRule(onDefault: true))
        let lb = try ingress(datapath, Fixture.toVIP6(sport: 42001))
        #expect(lb.verdict == Verdict.redirect)
        #expect(Self.source(lb.packet) == Fixture.client6, "the fixture's service is DNAT only")
        #expect(Self.destination(lb.packet).prefix(14).elementsEqual(Fixture.endpoint6(10).prefix(14)))
        let other = try ingress(datapath, Self.toServer(sport: 42002))
        #expect(other.verdict == Verdict.redirect)
        #expect(Self.source(other.packet) == Self.snatAddress, "no service: the SNAT rule takes it")
        #expect(try await datapath.packetCounters()["ct_fw_snat"] == 1)
    }

    @Test func rulesOfOneFamilyLeaveTheOtherAlone() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp(v6: true)
        try await firewall.add(Self.snatRule(source: "::/0"))
        let v4 = FirewallSNATFixtureTests.toServer(sport: 42200)
        let out4 = try TestRun.run(try datapath.programs().ingress, packet: v4.bytes, ifindex: Fixture.clientSide)
        #expect(out4.verdict == Verdict.ok && out4.packet == v4.bytes, "an IPv6 rule: IPv4 untouched")
        try await firewall.add(FirewallSNATFixtureTests.snatRule(source: "10.10.1.0/24"))
        let syn = Self.toServer(sport: 42201)
        #expect(try ingress(datapath, syn).packet == Self.translated(syn, port: 42201).bytes)
        #expect(try await datapath.packetCounters()["ct_fw_snat"] == 1)
    }

    @Test func otherSourcesAndRSTsAreNotTranslated() async throws {
        let (datapath, firewall) = try await FirewallFixtureTests.setUp(v6: true)
        try await firewall.add(Self.snatRule(source: "fd00:10:9::/64"))
        let syn = Self.toServer()
        let out = try ingress(datapath, syn)
        #expect(out.verdict == Verdict.ok && out.packet == syn.bytes, "no rule, no service: untouched")
        try await firewall.add(Self.snatRule(source: "fd00:10:1::/64"))
        var reset = Self.toServer(sport: 42300)
        reset.tcpFlags = TCPFlags.rst
        #expect(try ingress(datapath, reset).verdict == Verdict.shot, "an RST opens no flow")
        #expect(try await datapath.connections().isEmpty)
    }
}
