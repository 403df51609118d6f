import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Packets through the real programs with BPF_PROG_TEST_RUN: NAT modes 2 (fullnat) and 1 (onearm),
/// IPv4, TCP and UDP. The allocated source port is read back from the output; every other byte is
/// compared exactly.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct NATModeFixtureTests {
    static let portRange = UInt16(SLB_NAT_PORT_MIN)...UInt16(SLB_NAT_PORT_MAX)
    static let fx1Address: (UInt8, UInt8, UInt8, UInt8) = (10, 10, 2, 1)

    func run(_ datapath: EBPFDatapath, _ packet: Packet, on ifindex: Int32) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: packet.bytes, ifindex: ifindex)
    }

    /// The source port of the IPv4/TCP-or-UDP frame `bytes` (20-byte IP header).
    func sourcePort(_ bytes: [UInt8]) -> UInt16 { UInt16(bytes[34]) << 8 | UInt16(bytes[35]) }

    /// Sends `first` from the client and checks it leaves as snat:<port> -> endpoint .10:8080; returns the port.
    func expectTranslatedOut(
        _ datapath: EBPFDatapath, _ first: Packet, source: (UInt8, UInt8, UInt8, UInt8)
    ) throws -> UInt16 {
        let result = try run(datapath, first, on: Fixture.clientSide)
        let port = sourcePort(result.packet)
        var expected = first
        (expected.src, expected.sport) = (source, port)
        (expected.dst, expected.dport, expected.ttl) = (Fixture.endpoint(10), 8080, 63)
        (expected.srcMAC, expected.dstMAC) = (Fixture.serverSideMAC, Fixture.endpointMAC(10))
        #expect(result.verdict == Verdict.redirect)
        #expect(Self.portRange.contains(port))
        #expect(result.packet == expected.bytes)
        #expect(Checksum.valid(result.packet))
        return port
    }

    /// Sends `reply` from endpoint .10 and checks it leaves as VIP:80 -> client:`clientPort`.
    func expectReverseTranslated(_ datapath: EBPFDatapath, _ reply: Packet, clientPort: UInt16) throws {
        let result = try run(datapath, reply, on: Fixture.serverSide)
        var expected = reply
        (expected.src, expected.sport, expected.ttl) = (Fixture.vip, 80, 63)
        (expected.dst, expected.dport) = (Fixture.client, clientPort)
        (expected.srcMAC, expected.dstMAC) = (Fixture.clientSideMAC, Fixture.clientMAC)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum.valid(result.packet))
    }

    func reply(to port: UInt16, from: (UInt8, UInt8, UInt8, UInt8), proto: UInt8 = 6, flags: UInt8) -> Packet {
        Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10), dst: from,
            proto: proto, sport: 8080, dport: port, tcpFlags: flags)
    }

    @Test func fullNATSynIsTranslatedToVIPSourceAndReplyBack() async throws {
        let datapath = try await Fixture.datapath(mode: .fullNAT)
        let port = try expectTranslatedOut(datapath, Fixture.toVIP(), source: Fixture.vip)
        let synAck = reply(to: port, from: Fixture.vip, flags: TCPFlags.syn | TCPFlags.ack)
        try expectReverseTranslated(datapath, synAck, clientPort: 40000)

        // The next client packet takes the same translation.
        let ack = try run(datapath, Fixture.toVIP(flags: TCPFlags.ack), on: Fixture.clientSide)
        #expect(ack.verdict == Verdict.redirect)
        #expect(sourcePort(ack.packet) == port)
        let flows = try await datapath.connections()
        #expect(flows.count == 1)
        #expect(flows.first?.state == "est")
        let named = try await datapath.packetCounters()
        #expect(named["ct_new"] == 1 && named["drop_nat_ports"] == 0 && named["pass_no_snat_addr"] == 0)
    }

    @Test func fullNATClientsWithTheSameSourcePortGetDifferentPorts() async throws {
        let datapath = try await Fixture.datapath(mode: .fullNAT, endpoints: [10])
        var ports: [UInt16] = []
        for last: UInt8 in [2, 3, 4, 5] {
            var syn = Fixture.toVIP(sport: 40000)
            syn.src = (10, 10, 1, last)
            let result = try run(datapath, syn, on: Fixture.clientSide)
            #expect(result.verdict == Verdict.redirect)
            #expect(Array(result.packet[26..<34]) == [10, 10, 100, 1, 10, 10, 2, 10])
            #expect(Checksum.valid(result.packet))
            ports.append(sourcePort(result.packet))
        }
        #expect(Set(ports).count == 4)
        // Each reply finds its own client.
        for (index, last) in [UInt8(2), 3, 4, 5].enumerated() {
            let back = try run(
                datapath, reply(to: ports[index], from: Fixture.vip, flags: TCPFlags.syn | TCPFlags.ack),
                on: Fixture.serverSide)
            #expect(back.verdict == Verdict.redirect)
            #expect(Array(back.packet[26..<38]) == [10, 10, 100, 1, 10, 10, 1, last, 0, 80, 0x9c, 0x40])
            #expect(Checksum.valid(back.packet))
        }
        #expect(try await datapath.connections().count == 4)
    }

    /// The first client keeps its own port (the endpoint then sees one four-tuple per client port, whose TCP
    /// timestamps only grow, so a SYN on a tuple it holds in TIME_WAIT is accepted); the others, and a client
    /// port outside the allocation range, get other ports; a client reconnecting from its port after its flow
    /// closed gets that port again.
    @Test func fullNATStartsAtTheClientsOwnPort() async throws {
        let datapath = try await Fixture.datapath(mode: .fullNAT, endpoints: [10])
        func open(_ last: UInt8, _ sport: UInt16, _ flags: UInt8 = TCPFlags.syn) throws -> UInt16 {
            var syn = Fixture.toVIP(sport: sport, flags: flags)
            syn.src = (10, 10, 1, last)
            let result = try run(datapath, syn, on: Fixture.clientSide)
            #expect(result.verdict == Verdict.redirect)
            return sourcePort(result.packet)
        }
        #expect(try open(2, 40000) == 40000)
        #expect(try open(3, 40000) == 40001)  // the next port of the window
        let outside = try open(2, 1024)
        #expect(Self.portRange.contains(outside) && outside != 40000 && outside != 40001)
        // The first client's flow ends (RST) and the same client port connects again: same port.
        _ = try open(2, 40000, TCPFlags.rst | TCPFlags.ack)
        #expect(try open(2, 40000) == 40000)
    }

    @Test func fullNATUDPIsTranslatedBothWays() async throws {
        let datapath = try await Fixture.datapath(proto: .udp, mode: .fullNAT)
        var query = Fixture.toVIP(proto: 17, sport: 5353, dport: 80)
        query.payload = Array("hello".utf8)
        let port = try expectTranslatedOut(datapath, query, source: Fixture.vip)
        var answer = reply(to: port, from: Fixture.vip, proto: 17, flags: 0)
        answer.payload = Array("world!".utf8)
        try expectReverseTranslated(datapath, answer, clientPort: 5353)
        let flows = try await datapath.connections()
        #expect(flows.count == 1)
        #expect(flows.first?.state == "est")
    }

    @Test func oneArmUsesTheAddressOfTheInterfaceTowardTheEndpoint() async throws {
        let datapath = try await Fixture.datapath(mode: .oneArm)
        let addresses = try datapath.syncInterfaceAddresses()
        #expect(addresses[UInt32(Fixture.serverSide)] == .v4(0x0a0a_0201))
        let port = try expectTranslatedOut(datapath, Fixture.toVIP(), source: Self.fx1Address)
        let synAck = reply(to: port, from: Self.fx1Address, flags: TCPFlags.syn | TCPFlags.ack)
        try expectReverseTranslated(datapath, synAck, clientPort: 40000)
    }

    @Test func oneArmUDPIsTranslatedBothWays() async throws {
        let datapath = try await Fixture.datapath(proto: .udp, mode: .oneArm)
        try datapath.syncInterfaceAddresses()
        let port = try expectTranslatedOut(
            datapath, Fixture.toVIP(proto: 17, sport: 5353, dport: 80), source: Self.fx1Address)
        try expectReverseTranslated(
            datapath, reply(to: port, from: Self.fx1Address, proto: 17, flags: 0), clientPort: 5353)
    }

    @Test func oneArmWithoutAnInterfaceAddressPassesUntouched() async throws {
        let datapath = try await Fixture.datapath(mode: .oneArm)
        let syn = Fixture.toVIP()
        let result = try run(datapath, syn, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == syn.bytes)
        #expect(try await datapath.connections().isEmpty)
        #expect(try await datapath.packetCounters()["pass_no_snat_addr"] == 1)
    }

    /// Writes reply entries endpoint .10:8080 -> VIP:`port` for every port of `ports`: taken for the allocator.
    func occupyReplyPorts(_ datapath: EBPFDatapath, _ ports: ClosedRange<UInt16>) throws {
        var key = slb_ct_key()
        key.saddr = IPAddress.v4(0x0a0a_020a).abiWords
        key.daddr = IPAddress.v4(0x0a0a_6401).abiWords
        key.sport = UInt16(8080).bigEndian
        key.proto = 6
        key.family = UInt8(SLB_AF_INET)
        var value = slb_ct_val()
        value.dir = UInt8(SLB_DIR_REV.rawValue)
        for port in ports {
            key.dport = port.bigEndian
            try datapath.conntrack.update(key, value)
        }
    }

    @Test func fullNATFindsAFreePortPastARunOfTakenOnes() async throws {
        let datapath = try await Fixture.datapath(mode: .fullNAT, endpoints: [10])
        // Clients that kept their own ports 40000...40031 (a run longer than all tries together).
        let taken = UInt16(40000)...UInt16(40031)
        try occupyReplyPorts(datapath, taken)
        let result = try run(datapath, Fixture.toVIP(sport: 40000), on: Fixture.clientSide)
        #expect(result.verdict == Verdict.redirect)
        let port = UInt16(result.packet[34]) << 8 | UInt16(result.packet[35])
        #expect(Self.portRange.contains(port) && !taken.contains(port))
        #expect(Checksum.valid(result.packet))
        #expect(try await datapath.packetCounters()["drop_nat_ports"] == 0)
    }

    @Test func fullNATWithEveryPortTakenDropsAndCounts() async throws {
        let datapath = try await Fixture.datapath(mode: .fullNAT, endpoints: [10])
        // Occupy every reply key endpoint .10:8080 -> VIP:port the allocator could pick.
        try occupyReplyPorts(datapath, Self.portRange)
        let syn = Fixture.toVIP()
        let result = try run(datapath, syn, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.shot)
        let named = try await datapath.packetCounters()
        #expect(named["drop_nat_ports"] == 1 && named["ct_new"] == 0)
        // The refused flow left no forward entry behind.
        var forward = slb_ct_key()
        forward.saddr = IPAddress.v4(0x0a0a_0102).abiWords
        forward.daddr = IPAddress.v4(0x0a0a_6401).abiWords
        (forward.sport, forward.dport) = (UInt16(40000).bigEndian, UInt16(80).bigEndian)
        (forward.proto, forward.family) = (6, UInt8(SLB_AF_INET))
        #expect(try datapath.conntrack.lookup(forward) == nil)
    }
}
