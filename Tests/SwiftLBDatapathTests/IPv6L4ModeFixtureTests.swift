import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// IPv6 packets through the real programs with BPF_PROG_TEST_RUN: DSR (mode 3) by MAC rewrite and by IPv6-in-IPv6,
/// the ICMPv6 packet too big DSR sends back when the encapsulation would exceed the MTU, and SCTP over IPv6 in modes
/// 0, 1 and 2 (CRC32c recomputed here bit by bit). Every output is compared byte for byte with a frame built
/// independently (`RawFrame6`, `Packet6`).
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct IPv6L4ModeFixtureTests {
    /// Behind fd00:10:2::a (scripts/fixture-netns.sh routes fd00:10:3::/64 through it): an L3 DSR endpoint.
    static let routedEndpoint = Fixture.ip6("fd00:10:3::5")
    static let fx0Address6 = Fixture.ip6("fd00:10:1::1")

    func run(_ datapath: EBPFDatapath, _ frame: [UInt8], on ifindex: Int32) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: frame, ifindex: ifindex)
    }

    /// A fresh datapath with one service [VIP6]:`port`/`proto` in `mode` to the given endpoints.
    func datapath(
        proto: L4Protocol, port: UInt16 = 80, mode: NATMode, selection: SelectionAlgorithm = .roundRobin,
        endpoints: [(IPAddress, UInt16)]
    ) async throws -> EBPFDatapath {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(
            DatapathService(
                id: 9, key: ServiceKey(vip: .v6(Fixture.vip6), port: port, proto: proto), selection: selection,
                mode: mode, endpoints: endpoints.map { DatapathEndpoint(address: $0.0, port: $0.1, weight: 1) }))
        return datapath
    }

    func sctpFrame(from src: [UInt8], to dst: [UInt8], macs: ([UInt8], [UInt8]), l4: [UInt8]) -> RawFrame6 {
        RawFrame6(srcMAC: macs.0, dstMAC: macs.1, src: src, dst: dst, nextHeader: 132, payload: l4)
    }

    func clientSCTP(_ l4: [UInt8]) -> RawFrame6 {
        sctpFrame(from: Fixture.client6, to: Fixture.vip6, macs: (Fixture.clientMAC, Fixture.clientSideMAC), l4: l4)
    }

    /// The SCTP source port of an IPv6 frame without extension headers.
    func sourcePort(_ frame: [UInt8]) -> UInt16 { UInt16(frame[54]) << 8 | UInt16(frame[55]) }

    // MARK: DSR

    @Test func dsrToAnOnLinkEndpointRewritesOnlyMACsAndHopLimit() async throws {
        let datapath = try await datapath(
            proto: .tcp, mode: .dsr, selection: .hash, endpoints: [(.v6(Fixture.endpoint6(10)), 80)])
        let syn = Fixture.toVIP6()
        let result = try run(datapath, syn.bytes, on: Fixture.clientSide)
        var expected = syn
        (expected.srcMAC, expected.dstMAC, expected.hopLimit) = (Fixture.serverSideMAC, Fixture.endpointMAC(10), 63)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum6.valid(result.packet))
        // Leaving through the endpoint's interface, the egress program must not take it again.
        let again = try TestRun.run(try datapath.programs().egress, packet: result.packet, ifindex: Fixture.serverSide)
        #expect(again.verdict == Verdict.ok)
        #expect(again.packet == result.packet)
        // One entry (no reply path), established by the client's ACK.
        #expect(try datapath.conntrack.keys(limit: 16).count == 1)
        let ack = try run(datapath, Fixture.toVIP6(flags: TCPFlags.ack).bytes, on: Fixture.clientSide)
        #expect(ack.verdict == Verdict.redirect)
        let flows = try await datapath.connections()
        #expect(flows.count == 1)
        #expect(flows.first?.state == "est")
        #expect(flows.first?.endpointAddress == .v6(Fixture.endpoint6(10)))
        #expect(flows.first?.clientAddress == .v6(Fixture.client6))
        let named = try await datapath.packetCounters()
        #expect(named["dsr_l2"] == 2 && named["ct_new"] == 1 && named["dsr_ipip"] == 0)
        #expect(named["pass_dsr_egress"] == 1)
    }

    @Test func dsrUDPToAnOnLinkEndpoint() async throws {
        let datapath = try await datapath(
            proto: .udp, mode: .dsr, selection: .hash, endpoints: [(.v6(Fixture.endpoint6(11)), 80)])
        var query = Fixture.toVIP6(proto: 17, sport: 5353, dport: 80)
        query.payload = Array("dsr over IPv6".utf8)
        let result = try run(datapath, query.bytes, on: Fixture.clientSide)
        var expected = query
        (expected.srcMAC, expected.dstMAC, expected.hopLimit) = (Fixture.serverSideMAC, Fixture.endpointMAC(11), 63)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum6.valid(result.packet))
    }

    @Test func dsrToARoutedEndpointEncapsulatesInIPv6() async throws {
        let datapath = try await datapath(
            proto: .tcp, mode: .dsr, selection: .hash, endpoints: [(.v6(Self.routedEndpoint), 80)])
        try datapath.syncInterfaceAddresses()
        var syn = Fixture.toVIP6()
        syn.payload = Array(repeating: 0x61, count: 100)
        syn.trafficClass = 0x28
        let result = try run(datapath, syn.bytes, on: Fixture.clientSide)
        var inner = syn
        inner.hopLimit = 63
        var outer = RawFrame6(
            srcMAC: Fixture.serverSideMAC, dstMAC: Fixture.endpointMAC(10), src: Fixture.fx1Address6,
            dst: Self.routedEndpoint, nextHeader: 41, payload: Array(inner.bytes[14...]))
        outer.trafficClass = 0x28  // the inner header's first word is copied
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == outer.bytes)
        #expect(Checksum6.valid(Array(result.packet[0..<14]) + Array(result.packet[54...])))
        let named = try await datapath.packetCounters()
        #expect(named["dsr_ipip"] == 1 && named["dsr_l2"] == 0)
    }

    @Test func dsrIPv6InIPv6BeyondTheMTUSendsPacketTooBig() async throws {
        let datapath = try await datapath(
            proto: .tcp, mode: .dsr, selection: .hash, endpoints: [(.v6(Self.routedEndpoint), 80)])
        try datapath.syncInterfaceAddresses()
        var big = Fixture.toVIP6(flags: TCPFlags.ack)
        big.payload = Array(repeating: 0x62, count: 1440)  // a 1500-byte IPv6 packet
        let original = big.bytes
        #expect(original.count == 1514)
        let result = try run(datapath, original, on: Fixture.clientSide)

        // ICMPv6 packet too big (type 2, code 0), MTU 1500 - 40, quoting the IPv6 header and 8 bytes.
        var message: [UInt8] = [2, 0, 0, 0] + be32(1460) + Array(original[14..<62])
        let sum = Checksum.fold(
            Checksum.sum(
                Checksum6.pseudoHeader(Self.fx0Address6, Fixture.client6, proto: 58, length: message.count) + message))
        (message[2], message[3]) = (UInt8(sum >> 8), UInt8(sum & 0xff))
        let expected = RawFrame6(
            srcMAC: Fixture.clientSideMAC, dstMAC: Fixture.clientMAC, src: Self.fx0Address6, dst: Fixture.client6,
            nextHeader: 58, payload: message)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum6.valid(result.packet))
        #expect(try await datapath.packetCounters()["icmp6_too_big"] == 1)

        // 1460 bytes of IPv6 fit once encapsulated.
        var fits = big
        fits.payload = Array(repeating: 0x62, count: 1400)
        let ok = try run(datapath, fits.bytes, on: Fixture.clientSide)
        #expect(ok.verdict == Verdict.redirect)
        #expect(ok.packet.count == fits.bytes.count + 40)
        #expect(ok.packet[20] == 41)
    }

    @Test func dsrSCTPKeepsTheCRC() async throws {
        let datapath = try await datapath(
            proto: .sctp, mode: .dsr, selection: .hash, endpoints: [(.v6(Fixture.endpoint6(12)), 80)])
        let initPacket = clientSCTP(SCTP.packet(sport: 40000, dport: 80, tag: 0, chunks: SCTP.initChunk(tag: 77)))
        let result = try run(datapath, initPacket.bytes, on: Fixture.clientSide)
        var expected = initPacket
        (expected.srcMAC, expected.dstMAC, expected.hopLimit) = (Fixture.serverSideMAC, Fixture.endpointMAC(12), 63)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(SCTP.valid6(result.packet))
    }

    @Test func dsrFromAnIPv6VIPToIPv4EndpointsIsDropped() async throws {
        // The control plane refuses this rule; the datapath must not fall back to NAT64 either.
        let datapath = try await datapath(
            proto: .tcp, mode: .dsr, selection: .hash, endpoints: [(.v4(0x0a0a_020a), 80)])
        try datapath.syncInterfaceAddresses()
        let result = try run(datapath, Fixture.toVIP6().bytes, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.shot)
        #expect(try await datapath.packetCounters()["drop_dsr"] == 1)
        #expect(try await datapath.connections().isEmpty)
    }

    // MARK: SCTP over IPv6

    /// INIT to the VIP leaves as `source`:<port> -> endpoint ::a:8080 with a correct CRC32c; INIT ACK comes back;
    /// COOKIE ECHO with a 1400-byte DATA chunk follows. Returns the source port used toward the endpoint.
    func sctpHandshake(_ datapath: EBPFDatapath, source: [UInt8], natPort: Bool) throws -> UInt16 {
        let toEndpoint = (Fixture.serverSideMAC, Fixture.endpointMAC(10))
        let initPacket = clientSCTP(
            SCTP.packet(sport: 40000, dport: 80, tag: 0, chunks: SCTP.initChunk(tag: 0xA1B2_C3D4)))
        let out = try run(datapath, initPacket.bytes, on: Fixture.clientSide)
        #expect(out.verdict == Verdict.redirect)
        let port = natPort ? sourcePort(out.packet) : 40000
        if natPort { #expect(NAT66FixtureTests.portRange.contains(port)) }
        var expected = sctpFrame(
            from: source, to: Fixture.endpoint6(10), macs: toEndpoint,
            l4: SCTP.packet(sport: port, dport: 8080, tag: 0, chunks: SCTP.initChunk(tag: 0xA1B2_C3D4)))
        expected.hopLimit = 63
        #expect(out.packet == expected.bytes)
        #expect(SCTP.valid6(out.packet))

        let initAck = sctpFrame(
            from: Fixture.endpoint6(10), to: source, macs: (Fixture.endpointMAC(10), Fixture.serverSideMAC),
            l4: SCTP.packet(
                sport: 8080, dport: port, tag: 0xA1B2_C3D4, chunks: SCTP.initChunk(SCTP.initAck, tag: 0x0102_0304)))
        let back = try run(datapath, initAck.bytes, on: Fixture.serverSide)
        var expectedBack = sctpFrame(
            from: Fixture.vip6, to: Fixture.client6, macs: (Fixture.clientSideMAC, Fixture.clientMAC),
            l4: SCTP.packet(
                sport: 80, dport: 40000, tag: 0xA1B2_C3D4, chunks: SCTP.initChunk(SCTP.initAck, tag: 0x0102_0304)))
        expectedBack.hopLimit = 63
        #expect(back.verdict == Verdict.redirect)
        #expect(back.packet == expectedBack.bytes)
        #expect(SCTP.valid6(back.packet))

        let payload = (0..<1400).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let cookie = SCTP.chunk(SCTP.cookieEcho, value: Array(repeating: 0x5a, count: 16)) + SCTP.dataChunk(payload)
        let echo = clientSCTP(SCTP.packet(sport: 40000, dport: 80, tag: 0x0102_0304, chunks: cookie))
        let echoOut = try run(datapath, echo.bytes, on: Fixture.clientSide)
        var expectedEcho = sctpFrame(
            from: source, to: Fixture.endpoint6(10), macs: toEndpoint,
            l4: SCTP.packet(sport: port, dport: 8080, tag: 0x0102_0304, chunks: cookie))
        expectedEcho.hopLimit = 63
        #expect(echoOut.verdict == Verdict.redirect)
        #expect(echoOut.packet == expectedEcho.bytes)
        #expect(SCTP.valid6(echoOut.packet))
        return port
    }

    @Test func sctpDefaultModeKeepsTheCRCWhenThePortStays() async throws {
        let datapath = try await datapath(proto: .sctp, mode: .dnat, endpoints: [(.v6(Fixture.endpoint6(10)), 80)])
        let initPacket = clientSCTP(SCTP.packet(sport: 40000, dport: 80, tag: 0, chunks: SCTP.initChunk(tag: 7)))
        let out = try run(datapath, initPacket.bytes, on: Fixture.clientSide)
        #expect(out.verdict == Verdict.redirect)
        // Only the destination address changed, which the CRC32c does not cover: its bytes are the input's.
        #expect(Array(out.packet[62..<66]) == Array(initPacket.bytes[62..<66]))
        #expect(Array(out.packet[38..<54]) == Fixture.endpoint6(10))
        #expect(SCTP.valid6(out.packet))
    }

    @Test func sctpDefaultModeWithATargetPortTranslatesAndTracksTheAssociation() async throws {
        let datapath = try await datapath(
            proto: .sctp, mode: .dnat, endpoints: [(.v6(Fixture.endpoint6(10)), 8080)])
        _ = try sctpHandshake(datapath, source: Fixture.client6, natPort: false)
        let flows = try await datapath.connections()
        #expect(flows.count == 1)
        #expect(flows.first?.proto == .sctp)
        #expect(flows.first?.state == "est")
    }

    @Test func sctpFullNATAllocatesAPortAndFixesTheCRC() async throws {
        let datapath = try await datapath(
            proto: .sctp, mode: .fullNAT, endpoints: [(.v6(Fixture.endpoint6(10)), 8080)])
        _ = try sctpHandshake(datapath, source: Fixture.vip6, natPort: true)
        #expect(try await datapath.connections().first?.state == "est")
    }

    @Test func sctpOneArmUsesTheLinkAddress() async throws {
        let datapath = try await datapath(
            proto: .sctp, mode: .oneArm, endpoints: [(.v6(Fixture.endpoint6(10)), 8080)])
        try datapath.syncInterfaceAddresses()
        _ = try sctpHandshake(datapath, source: Fixture.fx1Address6, natPort: true)
    }

    @Test func sctpPacketWithAnotherVerificationTagIsDropped() async throws {
        let datapath = try await datapath(
            proto: .sctp, mode: .fullNAT, endpoints: [(.v6(Fixture.endpoint6(10)), 8080)])
        let port = try sctpHandshake(datapath, source: Fixture.vip6, natPort: true)
        // The endpoint announced 0x01020304 in its INIT ACK; a client packet with another tag is refused.
        let forged = clientSCTP(
            SCTP.packet(sport: 40000, dport: 80, tag: 0xDEAD_BEEF, chunks: SCTP.dataChunk([1, 2, 3])))
        #expect(try run(datapath, forged.bytes, on: Fixture.clientSide).verdict == Verdict.shot)
        #expect(try await datapath.packetCounters()["drop_sctp_vtag"] == 1)
        // So is an endpoint packet with a tag other than the client's 0xA1B2C3D4.
        let reply = sctpFrame(
            from: Fixture.endpoint6(10), to: Fixture.vip6, macs: (Fixture.endpointMAC(10), Fixture.serverSideMAC),
            l4: SCTP.packet(sport: 8080, dport: port, tag: 0x0102_0304, chunks: SCTP.dataChunk([4])))
        #expect(try run(datapath, reply.bytes, on: Fixture.serverSide).verdict == Verdict.shot)
        #expect(try await datapath.packetCounters()["drop_sctp_vtag"] == 2)
    }

    @Test func sctpShutdownCompleteClosesAndInitReopens() async throws {
        let datapath = try await datapath(
            proto: .sctp, mode: .dnat, endpoints: [(.v6(Fixture.endpoint6(10)), 8080)])
        _ = try sctpHandshake(datapath, source: Fixture.client6, natPort: false)
        let complete = clientSCTP(SCTP.packet(sport: 40000, dport: 80, tag: 9, chunks: SCTP.chunk(14, value: [])))
        #expect(try run(datapath, complete.bytes, on: Fixture.clientSide).verdict == Verdict.redirect)
        #expect(try await datapath.connections().first?.state == "closed")
        let again = clientSCTP(SCTP.packet(sport: 40000, dport: 80, tag: 0, chunks: SCTP.initChunk(tag: 5)))
        #expect(try run(datapath, again.bytes, on: Fixture.clientSide).verdict == Verdict.redirect)
        #expect(try await datapath.connections().first?.state == "syn-sent")
    }

    @Test func sctpNAT64TranslatesBothWaysAndFixesTheCRCForThePortOnly() async throws {
        let datapath = try await datapath(proto: .sctp, mode: .fullNAT, endpoints: [(.v4(0x0a0a_020a), 8080)])
        try datapath.syncInterfaceAddresses()
        let initPacket = clientSCTP(SCTP.packet(sport: 40000, dport: 80, tag: 0, chunks: SCTP.initChunk(tag: 0x77)))
        let out = try run(datapath, initPacket.bytes, on: Fixture.clientSide)
        #expect(out.verdict == Verdict.redirect)
        #expect(out.packet.count == initPacket.bytes.count - 20)
        let port = UInt16(out.packet[34]) << 8 | UInt16(out.packet[35])
        #expect(NAT66FixtureTests.portRange.contains(port))
        // IPv4 10.10.2.1 -> 10.10.2.10, and the SCTP packet is the client's with only the ports changed.
        #expect(Array(out.packet[26..<34]) == [10, 10, 2, 1, 10, 10, 2, 10])
        #expect(
            Array(out.packet[34...]) == SCTP.packet(sport: port, dport: 8080, tag: 0, chunks: SCTP.initChunk(tag: 0x77))
        )
        #expect(SCTP.valid(out.packet))

        var initAck = RawFrame(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: [10, 10, 2, 10], dst: [10, 10, 2, 1],
            proto: 132,
            l4: SCTP.packet(sport: 8080, dport: port, tag: 0x77, chunks: SCTP.initChunk(SCTP.initAck, tag: 0x88)))
        initAck.ttl = 64
        let back = try run(datapath, initAck.bytes, on: Fixture.serverSide)
        var expectedBack = sctpFrame(
            from: Fixture.vip6, to: Fixture.client6, macs: (Fixture.clientSideMAC, Fixture.clientMAC),
            l4: SCTP.packet(sport: 80, dport: 40000, tag: 0x77, chunks: SCTP.initChunk(SCTP.initAck, tag: 0x88)))
        expectedBack.hopLimit = 63
        #expect(back.verdict == Verdict.redirect)
        #expect(back.packet == expectedBack.bytes)
        #expect(SCTP.valid6(back.packet))
    }

    @Test func truncatedSCTPIsDroppedAsMalformed() async throws {
        let datapath = try await datapath(proto: .sctp, mode: .dnat, endpoints: [(.v6(Fixture.endpoint6(10)), 80)])
        // A common header without a chunk header.
        let short = clientSCTP(Array(SCTP.packet(sport: 40000, dport: 80, tag: 0, chunks: []).prefix(12)))
        #expect(try run(datapath, short.bytes, on: Fixture.clientSide).verdict == Verdict.shot)
        #expect(try await datapath.packetCounters()["drop_malformed"] == 1)
    }
}
