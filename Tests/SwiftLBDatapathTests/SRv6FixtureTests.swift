import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// SRv6 through the real programs with BPF_PROG_TEST_RUN (bpf/lib/srv6.h): the translated packet toward an endpoint
/// with a segment list leaves encapsulated (H.Encaps with an SRH for 2-3 segments, H.Encaps.Red without one for a
/// single segment), and replies encapsulated to the load balancer's SID come out decapsulated (End.DX6, End.DX4)
/// and reverse-translated. Expected frames are built here byte by byte (the SRH by hand, segments in reverse order),
/// inner checksums verified independently.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct SRv6FixtureTests {
    /// The LB's SID (on no interface: replies to it are intercepted at TC ingress).
    static let sid = Fixture.ip6("fd00:10:ff::100")
    /// Segments in fd00:10:3::/64, which scripts/fixture-netns.sh routes through fd00:10:2::a.
    static let e1 = Fixture.ip6("fd00:10:3::e1")
    static let e2 = Fixture.ip6("fd00:10:3::e2")
    static let dx6 = Fixture.ip6("fd00:10:3::d6")
    static let dx4 = Fixture.ip6("fd00:10:3::d4")
    static let lbAddress: (UInt8, UInt8, UInt8, UInt8) = (10, 10, 2, 1)  // fx1

    /// A datapath with [VIP6]:80/tcp -> one endpoint (port 8080) reached through `segments`.
    func datapath(endpoint: IPAddress, segments: [[UInt8]]) async throws -> EBPFDatapath {
        let datapath = try EBPFDatapath(pinRoot: nil)
        let service = DatapathService(
            id: 9, key: ServiceKey(vip: .v6(Fixture.vip6), port: 80, proto: .tcp), selection: .roundRobin,
            mode: .dnat,
            endpoints: [
                DatapathEndpoint(address: endpoint, port: 8080, weight: 1, segments: segments.map { .v6($0) })
            ],
            srv6SID: .v6(Self.sid))
        try await datapath.upsert(service)
        try datapath.syncInterfaceAddresses()
        return datapath
    }

    func run(_ datapath: EBPFDatapath, _ bytes: [UInt8], on ifindex: Int32) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: bytes, ifindex: ifindex)
    }

    /// The flow label srv6.h derives from the translated tuple (written independently of the C).
    static func flowLabel(src: [UInt8], dst: [UInt8], sport: UInt16, dport: UInt16, proto: UInt8) -> UInt32 {
        func word(_ bytes: [UInt8], _ at: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[at + $1]) }
        }
        var x = (UInt32(sport) << 16 | UInt32(dport)) ^ UInt32(proto)
        for index in stride(from: 0, to: src.count, by: 4) { x ^= word(src, index) ^ word(dst, index) }
        x = (x ^ (x >> 20) ^ (x >> 12)) & 0xfffff
        return x == 0 ? 1 : x
    }

    /// An SRH (RFC 8754): next header, length, type 4, segments left, last entry, flags, tag, the list.
    static func srh(next: UInt8, list: [[UInt8]], segmentsLeft: UInt8) -> [UInt8] {
        [next, UInt8(2 * list.count), 4, segmentsLeft, UInt8(list.count - 1), 0, 0, 0] + list.flatMap { $0 }
    }

    // MARK: H.Encaps / H.Encaps.Red

    @Test func nat66ThroughThreeSegmentsGetsAnSRHInReverseOrder() async throws {
        let datapath = try await datapath(endpoint: .v6(Fixture.endpoint6(10)), segments: [Self.e1, Self.e2, Self.dx6])
        var syn = Fixture.toVIP6()
        syn.trafficClass = 0x28
        syn.payload = Array("srv6".utf8)
        let result = try run(datapath, syn.bytes, on: Fixture.clientSide)

        var inner = syn
        (inner.dst, inner.dport, inner.hopLimit) = (Fixture.endpoint6(10), 8080, 63)
        let innerIP = Array(inner.bytes[14...])
        var outer = RawFrame6(
            srcMAC: Fixture.serverSideMAC, dstMAC: Fixture.endpointMAC(10), src: Self.sid, dst: Self.e1,
            nextHeader: 43,
            payload: Self.srh(next: 41, list: [Self.dx6, Self.e2, Self.e1], segmentsLeft: 2) + innerIP)
        outer.trafficClass = 0x28
        outer.flowLabel = Self.flowLabel(
            src: Fixture.client6, dst: Fixture.endpoint6(10), sport: 40000, dport: 8080, proto: 6)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == outer.bytes)
        // The SRH is 8 + 48 bytes; the inner packet's checksum holds after the DNAT.
        let srh = Array(result.packet[54..<62])
        #expect(srh[1] == 6 && srh[3] == 2 && srh[4] == 2)
        let innerFrame = Array(result.packet[0..<14]) + Array(result.packet[110...])
        #expect(Checksum6.valid(innerFrame))
        let named = try await datapath.packetCounters()
        #expect(named["srv6_encap"] == 1 && named["ct_new"] == 1)
    }

    @Test func nat66ThroughTwoSegments() async throws {
        let datapath = try await datapath(endpoint: .v6(Fixture.endpoint6(10)), segments: [Self.e1, Self.dx6])
        let syn = Fixture.toVIP6()
        let result = try run(datapath, syn.bytes, on: Fixture.clientSide)
        var inner = syn
        (inner.dst, inner.dport, inner.hopLimit) = (Fixture.endpoint6(10), 8080, 63)
        var outer = RawFrame6(
            srcMAC: Fixture.serverSideMAC, dstMAC: Fixture.endpointMAC(10), src: Self.sid, dst: Self.e1,
            nextHeader: 43,
            payload: Self.srh(next: 41, list: [Self.dx6, Self.e1], segmentsLeft: 1) + Array(inner.bytes[14...]))
        outer.flowLabel = Self.flowLabel(
            src: Fixture.client6, dst: Fixture.endpoint6(10), sport: 40000, dport: 8080, proto: 6)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == outer.bytes)
    }

    @Test func nat64ThroughOneSegmentIsReducedWithoutSRH() async throws {
        let datapath = try await datapath(endpoint: .v4(0x0a0a_020a), segments: [Self.dx4])
        let syn = Fixture.toVIP6()
        let result = try run(datapath, syn.bytes, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.redirect)
        let frameLength = 94  // Ethernet, outer IPv6, IPv4, TCP
        #expect(result.packet.count == frameLength)
        // The inner IPv4 packet starts after the outer header: its source port is the allocated one.
        let port = UInt16(result.packet[74]) << 8 | UInt16(result.packet[75])
        var inner = Packet(
            srcMAC: Fixture.serverSideMAC, dstMAC: Fixture.endpointMAC(10), src: Self.lbAddress,
            dst: Fixture.endpoint(10), proto: 6, sport: port, dport: 8080, tcpFlags: syn.tcpFlags)
        (inner.ttl, inner.seq, inner.ipID, inner.dontFragment) = (63, syn.seq, 1, false)
        var outer = RawFrame6(
            srcMAC: Fixture.serverSideMAC, dstMAC: Fixture.endpointMAC(10), src: Self.sid, dst: Self.dx4,
            nextHeader: 4, payload: Array(inner.bytes[14...]))
        outer.flowLabel = Self.flowLabel(
            src: [10, 10, 2, 1], dst: [10, 10, 2, 10], sport: port, dport: 8080, proto: 6)
        #expect(result.packet == outer.bytes)
        let innerFrame: [UInt8] = Array(result.packet[0..<12]) + [0x08, 0x00] + Array(result.packet[54...])
        #expect(Checksum.valid(innerFrame))
        #expect(NATModeFixtureTests.portRange.contains(port))
    }

    @Test func aPacketTooBigOnceEncapsulatedGetsPacketTooBig() async throws {
        let datapath = try await datapath(endpoint: .v6(Fixture.endpoint6(10)), segments: [Self.e1, Self.e2, Self.dx6])
        _ = try run(datapath, Fixture.toVIP6().bytes, on: Fixture.clientSide)
        var big = Fixture.toVIP6(flags: TCPFlags.ack)
        big.payload = Array(repeating: 0x62, count: 1440)  // a 1500-byte IPv6 packet
        let original = big.bytes
        let result = try run(datapath, original, on: Fixture.clientSide)
        // ICMPv6 packet too big: MTU 1500 - 96 (outer header 40, SRH 8 + 3 x 16), quoting 48 bytes.
        let fx0Address6 = Fixture.ip6("fd00:10:1::1")
        var message: [UInt8] = [2, 0, 0, 0] + be32(1404) + Array(original[14..<62])
        let sum = Checksum.fold(
            Checksum.sum(
                Checksum6.pseudoHeader(fx0Address6, Fixture.client6, proto: 58, length: message.count) + message))
        (message[2], message[3]) = (UInt8(sum >> 8), UInt8(sum & 0xff))
        let expected = RawFrame6(
            srcMAC: Fixture.clientSideMAC, dstMAC: Fixture.clientMAC, src: fx0Address6, dst: Fixture.client6,
            nextHeader: 58, payload: message)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(try await datapath.packetCounters()["icmp6_too_big"] == 1)
        // 1396 bytes of IPv6 fit once encapsulated (96 bytes more).
        var fits = big
        fits.payload = Array(repeating: 0x62, count: 1336)
        let ok = try run(datapath, fits.bytes, on: Fixture.clientSide)
        #expect(ok.verdict == Verdict.redirect)
        #expect(ok.packet.count == fits.bytes.count + 96)
    }

    @Test func anEndpointWithoutSegmentsIsNotEncapsulated() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(
            DatapathService(
                id: 9, key: ServiceKey(vip: .v6(Fixture.vip6), port: 80, proto: .tcp), selection: .roundRobin,
                mode: .dnat, endpoints: [DatapathEndpoint(address: .v6(Fixture.endpoint6(10)), port: 8080, weight: 1)]))
        let result = try run(datapath, Fixture.toVIP6().bytes, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet[20] == 6 && result.packet.count == Fixture.toVIP6().bytes.count)
        #expect(try await datapath.packetCounters()["srv6_encap"] ?? 0 == 0)
    }

    // MARK: End.DX6 / End.DX4

    @Test func endDX6DecapsulatesTheReplyAndReverseTranslatesIt() async throws {
        let datapath = try await datapath(endpoint: .v6(Fixture.endpoint6(10)), segments: [Self.e1, Self.dx6])
        _ = try run(datapath, Fixture.toVIP6().bytes, on: Fixture.clientSide)
        var reply = Packet6(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint6(10),
            dst: Fixture.client6, proto: 6, sport: 8080, dport: 40000, tcpFlags: TCPFlags.syn | TCPFlags.ack)
        reply.payload = Array("answer".utf8)
        // As the kernel's seg6 encap mode sends it: an SRH with the SID as its only segment, segments left 0.
        let encapsulated = RawFrame6(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Self.dx6, dst: Self.sid,
            nextHeader: 43, payload: Self.srh(next: 41, list: [Self.sid], segmentsLeft: 0) + Array(reply.bytes[14...]))
        let result = try run(datapath, encapsulated.bytes, on: Fixture.serverSide)
        var expected = reply
        (expected.srcMAC, expected.dstMAC, expected.src, expected.sport, expected.hopLimit) =
            (Fixture.clientSideMAC, Fixture.clientMAC, Fixture.vip6, 80, 63)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum6.valid(result.packet))
        let named = try await datapath.packetCounters()
        #expect(named["srv6_decap"] == 1)
    }

    @Test func endDX4DecapsulatesTheNAT64ReplyToIPv6() async throws {
        let datapath = try await datapath(endpoint: .v4(0x0a0a_020a), segments: [Self.dx4])
        let out = try run(datapath, Fixture.toVIP6().bytes, on: Fixture.clientSide)
        let port = UInt16(out.packet[74]) << 8 | UInt16(out.packet[75])
        let reply = Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
            dst: Self.lbAddress, proto: 6, sport: 8080, dport: port, tcpFlags: TCPFlags.syn | TCPFlags.ack)
        // Reduced encapsulation (no SRH): next header 4.
        let encapsulated = RawFrame6(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Self.dx4, dst: Self.sid,
            nextHeader: 4, payload: Array(reply.bytes[14...]))
        let result = try run(datapath, encapsulated.bytes, on: Fixture.serverSide)
        var expected = Packet6(
            srcMAC: Fixture.clientSideMAC, dstMAC: Fixture.clientMAC, src: Fixture.vip6, dst: Fixture.client6,
            proto: 6, sport: 80, dport: 40000, tcpFlags: reply.tcpFlags)
        (expected.hopLimit, expected.seq) = (63, reply.seq)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum6.valid(result.packet))
        #expect(try await datapath.packetCounters()["srv6_decap"] == 1)
    }

    /// SRH fixed parts (the SID is the one segment) and how many bytes of the inner packet follow.
    @Test(arguments: [
        ("segments left 1", [UInt8(41), 2, 4, 1, 0, 0, 0, 0], 60),
        ("routing type 3", [UInt8(41), 2, 3, 0, 0, 0, 0, 0], 60),
        ("length short of its last entry", [UInt8(41), 2, 4, 0, 1, 0, 0, 0], 60),
        ("inner IPv6 header cut short", [UInt8(41), 2, 4, 0, 0, 0, 0, 0], 24),
    ])
    func aMalformedPacketToTheSIDIsDropped(label: String, header: [UInt8], kept: Int) async throws {
        let datapath = try await datapath(endpoint: .v6(Fixture.endpoint6(10)), segments: [Self.dx6])
        let reply = Packet6(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint6(10),
            dst: Fixture.client6, proto: 6, sport: 8080, dport: 40000, tcpFlags: TCPFlags.ack)
        let frame = RawFrame6(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Self.dx6, dst: Self.sid,
            nextHeader: 43, payload: header + Self.sid + Array(reply.bytes[14..<(14 + kept)]))
        let result = try run(datapath, frame.bytes, on: Fixture.serverSide)
        #expect(result.verdict == Verdict.shot, "\(label)")
        #expect(try await datapath.packetCounters()["drop_srv6_malformed"] == 1, "\(label)")
    }

    @Test func anSRHPacketToAnotherAddressPassesUntouched() async throws {
        let datapath = try await datapath(endpoint: .v6(Fixture.endpoint6(10)), segments: [Self.dx6])
        let inner = Packet6(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint6(10),
            dst: Fixture.client6, proto: 6, sport: 8080, dport: 40000, tcpFlags: TCPFlags.ack)
        let frame = RawFrame6(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Self.dx6, dst: Self.e1,
            nextHeader: 43, payload: Self.srh(next: 41, list: [Self.e1], segmentsLeft: 0) + Array(inner.bytes[14...]))
        let result = try run(datapath, frame.bytes, on: Fixture.serverSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == frame.bytes)
        #expect(try await datapath.packetCounters()["srv6_decap"] ?? 0 == 0)
    }

    // MARK: control plane

    @Test func pathsAndSIDAreReadBackAndRemovedWithTheService() async throws {
        let datapath = try await datapath(endpoint: .v6(Fixture.endpoint6(10)), segments: [Self.e1, Self.dx6])
        let programmed = try await datapath.programmedServices()
        #expect(programmed.first?.srv6SID == .v6(Self.sid))
        #expect(programmed.first?.endpoints.first?.segments == [.v6(Self.e1), .v6(Self.dx6)])
        let flag = UInt32(SLB_CFG_SRV6.rawValue)
        #expect(try (datapath.config.lookup(0)?.flags ?? 0) & flag == flag, "the programs look for paths")
        try await datapath.remove(
            key: ServiceKey(vip: .v6(Fixture.vip6), port: 80, proto: .tcp), id: 9)
        let paths: BPFMap<UInt32, slb_srv6_path> = try datapath.object.map(named: SLB_MAP_SRV6_PATH)
        let sids: BPFMap<slb_srv6_sid, UInt32> = try datapath.object.map(named: SLB_MAP_SRV6_SID)
        #expect(try paths.keys(limit: 16).isEmpty)
        #expect(try sids.keys(limit: 16).isEmpty)
        #expect(try (datapath.config.lookup(0)?.flags ?? 0) & flag == 0, "no path left: the flag is cleared")
    }
}
