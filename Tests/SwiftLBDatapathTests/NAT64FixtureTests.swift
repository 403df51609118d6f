import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// NAT64 through the real programs with BPF_PROG_TEST_RUN: an IPv6 VIP with IPv4 endpoints. The client's IPv6 packet
/// must leave as the IPv4 packet `Packet` builds from the translated fields (RFC 7915 header, checksums computed
/// independently), and the endpoint's IPv4 reply as the IPv6 packet `Packet6` builds.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct NAT64FixtureTests {
    static let lbAddress: (UInt8, UInt8, UInt8, UInt8) = (10, 10, 2, 1)  // fx1

    func run(_ datapath: EBPFDatapath, _ bytes: [UInt8], on ifindex: Int32) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: bytes, ifindex: ifindex)
    }

    /// The source port of an IPv4 frame with a 20-byte header.
    func sourcePort(_ bytes: [UInt8]) -> UInt16 { UInt16(bytes[34]) << 8 | UInt16(bytes[35]) }

    /// Sends the client's `first`; it must leave as the LB's IPv4 address:<port> -> 10.10.2.10:8080 with IPv4 ID
    /// `id` (DF clear) or DF set (ID 0) above 1260 bytes. Returns the port.
    func expectOut(_ datapath: EBPFDatapath, _ first: Packet6, id: UInt16) throws -> UInt16 {
        let result = try run(datapath, first.bytes, on: Fixture.clientSide)
        let port = sourcePort(result.packet)
        var expected = Packet(
            srcMAC: Fixture.serverSideMAC, dstMAC: Fixture.endpointMAC(10), src: Self.lbAddress,
            dst: Fixture.endpoint(10), proto: first.proto, sport: port, dport: 8080, tcpFlags: first.tcpFlags)
        (expected.ttl, expected.tos, expected.seq, expected.payload) = (
            63, first.trafficClass, first.seq, first.payload
        )
        expected.dontFragment = 20 + first.bytes.count - 54 > 1260
        expected.ipID = expected.dontFragment ? 0 : id
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum.valid(result.packet))
        #expect(NATModeFixtureTests.portRange.contains(port))
        return port
    }

    /// Sends the IPv4 `reply` of endpoint 10; it must leave as [VIP]:80 -> [client]:`clientPort`.
    func expectBack(_ datapath: EBPFDatapath, _ reply: Packet, clientPort: UInt16) throws {
        let result = try run(datapath, reply.bytes, on: Fixture.serverSide)
        var expected = Packet6(
            srcMAC: Fixture.clientSideMAC, dstMAC: Fixture.clientMAC, src: Fixture.vip6, dst: Fixture.client6,
            proto: reply.proto, sport: 80, dport: clientPort, tcpFlags: reply.tcpFlags)
        (expected.hopLimit, expected.trafficClass, expected.seq, expected.payload) =
            (63, reply.tos, reply.seq, reply.payload)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum6.valid(result.packet))
    }

    func reply(port: UInt16, proto: UInt8 = 6, flags: UInt8 = TCPFlags.syn | TCPFlags.ack) -> Packet {
        Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
            dst: Self.lbAddress, proto: proto, sport: 8080, dport: port, tcpFlags: flags)
    }

    @Test(arguments: [NATMode.dnat, .oneArm, .fullNAT])
    func tcpIsTranslatedToIPv4AndTheReplyBackToIPv6(mode: NATMode) async throws {
        let datapath = try await Fixture.datapath6(mode: mode, nat64: true)
        try datapath.syncInterfaceAddresses()
        let port = try expectOut(datapath, Fixture.toVIP6(), id: 1)
        try expectBack(datapath, reply(port: port), clientPort: 40000)
        // The client's next packet takes the same translation; its IPv4 ID counts the flow's packets.
        _ = try expectOut(datapath, Fixture.toVIP6(flags: TCPFlags.ack), id: 2)
        let flows = try await datapath.connections()
        #expect(flows.count == 1)
        let flow = try #require(flows.first)
        #expect(flow.clientAddress.description == "fd00:10:1::2" && flow.serviceAddress.description == "fd00:10:100::1")
        #expect(flow.endpointAddress == .v4(0x0a0a_020a) && flow.endpointPort == 8080)
        #expect(flow.state == "est" && flow.counters.packets == 3)
    }

    @Test func udpIsTranslatedBothWaysWithTrafficClass() async throws {
        let datapath = try await Fixture.datapath6(proto: .udp, nat64: true)
        try datapath.syncInterfaceAddresses()
        var query = Fixture.toVIP6(proto: 17, sport: 5353, dport: 80)
        (query.payload, query.trafficClass) = (Array("dns?".utf8), 0xb8)
        let port = try expectOut(datapath, query, id: 1)
        var answer = reply(port: port, proto: 17)
        (answer.payload, answer.tos) = (Array("dns!".utf8), 0x28)
        try expectBack(datapath, answer, clientPort: 5353)
    }

    @Test func fullSizePacketsAreTranslatedBothWays() async throws {
        let datapath = try await Fixture.datapath6(nat64: true)
        try datapath.syncInterfaceAddresses()
        // MSS 1440 on both sides: a 1500-byte IPv6 packet becomes 1480 bytes of IPv4 (DF set) and back.
        var big = Fixture.toVIP6(flags: TCPFlags.ack)
        big.payload = (0..<1440).map { UInt8($0 & 0xff) }
        #expect(big.bytes.count == 1514)
        let port = try expectOut(datapath, big, id: 0)
        var back = reply(port: port, flags: TCPFlags.ack)
        back.payload = big.payload.reversed()
        #expect(back.bytes.count == 1494)
        try expectBack(datapath, back, clientPort: 40000)
    }

    @Test func untranslatablePacketsAreDroppedAndCounted() async throws {
        let datapath = try await Fixture.datapath6(proto: .udp, nat64: true)
        try datapath.syncInterfaceAddresses()
        let port = try expectOut(datapath, Fixture.toVIP6(proto: 17, sport: 5353, dport: 80), id: 1)
        // IPv4 UDP without checksum: IPv6 requires one.
        var bytes = reply(port: port, proto: 17).bytes
        (bytes[40], bytes[41]) = (0, 0)
        #expect(try run(datapath, bytes, on: Fixture.serverSide).verdict == Verdict.shot)
        // A new flow whose IPv6 packet carries extension headers.
        var withOptions = Fixture.toVIP6(proto: 17, sport: 5354, dport: 80)
        withOptions.extensions = [.destination]
        #expect(try run(datapath, withOptions.bytes, on: Fixture.clientSide).verdict == Verdict.shot)
        let named = try await datapath.packetCounters()
        #expect(named["drop_nat64"] == 2)
    }

    @Test func withoutAnIPv4InterfaceAddressTheFlowIsPassed() async throws {
        let datapath = try await Fixture.datapath6(nat64: true)
        let syn = Fixture.toVIP6()
        let result = try run(datapath, syn.bytes, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == syn.bytes)
        #expect(try await datapath.packetCounters()["pass_no_snat_addr"] == 1)
    }

    /// loxicmd's `create lb 2001::9 --tcp=80:8080 --endpoints=10.77.2.2:1` once left the garbage
    /// collector failing every sweep (E2BIG on slb_ep_conns): the IPv6 VIP's echo marker entry, id
    /// SLB_SVC_ID_MARKER, was recounted like a service (issue 14).
    @Test func theGarbageCollectorsRecountSkipsTheEchoMarkerOfAnIPv6VIP() async throws {
        let datapath = try await Fixture.datapath6(nat64: true)
        let marker = try datapath.services.lookup(EBPFDatapath.echoMarkerKey(.v6(Fixture.vip6)))
        #expect(marker?.id == UInt32(SLB_SVC_ID_MARKER))
        _ = try run(datapath, Fixture.toVIP6().bytes, on: Fixture.clientSide)
        #expect(try datapath.recountOpenFlows() == 0)
        #expect(try datapath.collectExpiredConnections() == 0)
    }
}
