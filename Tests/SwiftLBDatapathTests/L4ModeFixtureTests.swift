import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Packets through the real programs with BPF_PROG_TEST_RUN: SCTP in modes 0, 1 and 2 (CRC32c
/// recomputed here bit by bit), ICMP echo to a VIP, DSR (mode 3) by MAC rewrite and by IPIP, and
/// the ICMP "fragmentation needed" DSR sends back when IPIP would exceed the MTU. Every output is
/// compared byte for byte with a frame built independently.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct L4ModeFixtureTests {
    static let client: [UInt8] = [10, 10, 1, 2]
    static let vip: [UInt8] = [10, 10, 100, 1]
    static let fx1Address: [UInt8] = [10, 10, 2, 1]
    static let fx0Address: [UInt8] = [10, 10, 1, 1]
    static func endpoint(_ last: UInt8) -> [UInt8] { [10, 10, 2, last] }
    /// Behind 10.10.2.10 (scripts/fixture-netns.sh routes 10.10.3.0/24 through it): an L3 DSR endpoint.
    static let routedEndpoint: [UInt8] = [10, 10, 3, 5]

    func run(_ datapath: EBPFDatapath, _ frame: [UInt8], on ifindex: Int32) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: frame, ifindex: ifindex)
    }

    func address(_ bytes: [UInt8]) -> IPAddress {
        .v4(bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }

    /// A fresh datapath with one service VIP:`port`/`proto` in `mode` to the given endpoints.
    func datapath(
        proto: L4Protocol, port: UInt16 = 80, mode: NATMode, selection: SelectionAlgorithm = .roundRobin,
        endpoints: [([UInt8], UInt16)]
    ) async throws -> EBPFDatapath {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(
            DatapathService(
                id: 9, key: ServiceKey(vip: address(Self.vip), port: port, proto: proto), selection: selection,
                mode: mode, endpoints: endpoints.map { DatapathEndpoint(address: address($0.0), port: $0.1, weight: 1) }
            ))
        return datapath
    }

    func clientFrame(proto: UInt8, l4: [UInt8]) -> RawFrame {
        RawFrame(
            srcMAC: Fixture.clientMAC, dstMAC: Fixture.clientSideMAC, src: Self.client, dst: Self.vip, proto: proto,
            l4: l4)
    }

    func sourcePort(_ frame: [UInt8]) -> UInt16 { UInt16(frame[34]) << 8 | UInt16(frame[35]) }

    // MARK: SCTP

    /// INIT to the VIP leaves as `source`:<port> -> endpoint .10:`epPort` with a correct CRC32c; INIT ACK and
    /// COOKIE ECHO follow; returns the source port used toward the endpoint.
    func sctpHandshake(_ datapath: EBPFDatapath, source: [UInt8], epPort: UInt16, natPort: Bool) throws -> UInt16 {
        let initPacket = clientFrame(
            proto: 132, l4: SCTP.packet(sport: 40000, dport: 80, tag: 0, chunks: SCTP.initChunk(tag: 0xA1B2_C3D4)))
        let out = try run(datapath, initPacket.bytes, on: Fixture.clientSide)
        #expect(out.verdict == Verdict.redirect)
        let port = natPort ? sourcePort(out.packet) : 40000
        if natPort { #expect(NATModeFixtureTests.portRange.contains(port)) }
        var expected = RawFrame(
            srcMAC: Fixture.serverSideMAC, dstMAC: Fixture.endpointMAC(10), src: source, dst: Self.endpoint(10),
            proto: 132,
            l4: SCTP.packet(sport: port, dport: epPort, tag: 0, chunks: SCTP.initChunk(tag: 0xA1B2_C3D4)))
        expected.ttl = 63
        #expect(out.packet == expected.bytes)
        #expect(SCTP.valid(out.packet))

        let initAck = RawFrame(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Self.endpoint(10), dst: source,
            proto: 132,
            l4: SCTP.packet(
                sport: epPort, dport: port, tag: 0xA1B2_C3D4,
                chunks: SCTP.initChunk(SCTP.initAck, tag: 0x0102_0304)))
        let back = try run(datapath, initAck.bytes, on: Fixture.serverSide)
        var expectedBack = RawFrame(
            srcMAC: Fixture.clientSideMAC, dstMAC: Fixture.clientMAC, src: Self.vip, dst: Self.client, proto: 132,
            l4: SCTP.packet(
                sport: 80, dport: 40000, tag: 0xA1B2_C3D4, chunks: SCTP.initChunk(SCTP.initAck, tag: 0x0102_0304)))
        expectedBack.ttl = 63
        #expect(back.verdict == Verdict.redirect)
        #expect(back.packet == expectedBack.bytes)
        #expect(SCTP.valid(back.packet))

        // COOKIE ECHO with a DATA chunk of 1400 bytes: a long packet whose CRC covers every byte.
        let payload = (0..<1400).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let cookie = SCTP.chunk(SCTP.cookieEcho, value: Array(repeating: 0x5a, count: 16)) + SCTP.dataChunk(payload)
        let echo = clientFrame(proto: 132, l4: SCTP.packet(sport: 40000, dport: 80, tag: 0x0102_0304, chunks: cookie))
        let echoOut = try run(datapath, echo.bytes, on: Fixture.clientSide)
        var expectedEcho = RawFrame(
            srcMAC: Fixture.serverSideMAC, dstMAC: Fixture.endpointMAC(10), src: source, dst: Self.endpoint(10),
            proto: 132, l4: SCTP.packet(sport: port, dport: epPort, tag: 0x0102_0304, chunks: cookie))
        expectedEcho.ttl = 63
        #expect(echoOut.verdict == Verdict.redirect)
        #expect(echoOut.packet == expectedEcho.bytes)
        #expect(SCTP.valid(echoOut.packet))
        return port
    }

    @Test func sctpDefaultModeKeepsTheCRCWhenThePortStays() async throws {
        let datapath = try await datapath(proto: .sctp, mode: .dnat, endpoints: [(Self.endpoint(10), 80)])
        let initPacket = clientFrame(
            proto: 132, l4: SCTP.packet(sport: 40000, dport: 80, tag: 0, chunks: SCTP.initChunk(tag: 7)))
        let out = try run(datapath, initPacket.bytes, on: Fixture.clientSide)
        #expect(out.verdict == Verdict.redirect)
        // Only the destination address changed, which the CRC32c does not cover: its bytes are the input's.
        #expect(Array(out.packet[42..<46]) == Array(initPacket.bytes[42..<46]))
        #expect(Array(out.packet[30..<34]) == Self.endpoint(10))
        #expect(SCTP.valid(out.packet))
    }

    @Test func sctpDefaultModeWithATargetPortTranslatesAndTracksTheAssociation() async throws {
        let datapath = try await datapath(proto: .sctp, mode: .dnat, endpoints: [(Self.endpoint(10), 8080)])
        _ = try sctpHandshake(datapath, source: Self.client, epPort: 8080, natPort: false)
        let flows = try await datapath.connections()
        #expect(flows.count == 1)
        #expect(flows.first?.proto == .sctp)
        #expect(flows.first?.state == "est")
    }

    @Test func sctpFullNATAllocatesAPortAndFixesTheCRC() async throws {
        let datapath = try await datapath(proto: .sctp, mode: .fullNAT, endpoints: [(Self.endpoint(10), 8080)])
        _ = try sctpHandshake(datapath, source: Self.vip, epPort: 8080, natPort: true)
        #expect(try await datapath.connections().first?.state == "est")
    }

    @Test func sctpOneArmUsesTheLinkAddress() async throws {
        let datapath = try await datapath(proto: .sctp, mode: .oneArm, endpoints: [(Self.endpoint(10), 8080)])
        try datapath.syncInterfaceAddresses()
        _ = try sctpHandshake(datapath, source: Self.fx1Address, epPort: 8080, natPort: true)
    }

    @Test func sctpShutdownCompleteClosesAndInitReopens() async throws {
        let datapath = try await datapath(proto: .sctp, mode: .dnat, endpoints: [(Self.endpoint(10), 8080)])
        _ = try sctpHandshake(datapath, source: Self.client, epPort: 8080, natPort: false)
        let complete = clientFrame(
            proto: 132, l4: SCTP.packet(sport: 40000, dport: 80, tag: 9, chunks: SCTP.chunk(14, value: [])))
        #expect(try run(datapath, complete.bytes, on: Fixture.clientSide).verdict == Verdict.redirect)
        #expect(try await datapath.connections().first?.state == "closed")
        let again = clientFrame(
            proto: 132, l4: SCTP.packet(sport: 40000, dport: 80, tag: 0, chunks: SCTP.initChunk(tag: 5)))
        #expect(try run(datapath, again.bytes, on: Fixture.clientSide).verdict == Verdict.redirect)
        #expect(try await datapath.connections().first?.state == "syn-sent")
    }

    @Test func sctpPacketWithAnotherVerificationTagIsDropped() async throws {
        let datapath = try await datapath(proto: .sctp, mode: .dnat, endpoints: [(Self.endpoint(10), 8080)])
        _ = try sctpHandshake(datapath, source: Self.client, epPort: 8080, natPort: false)
        // The endpoint announced 0x01020304 in its INIT ACK; a client packet with another tag is refused.
        let forged = clientFrame(
            proto: 132, l4: SCTP.packet(sport: 40000, dport: 80, tag: 0xDEAD_BEEF, chunks: SCTP.dataChunk([1, 2, 3])))
        let result = try run(datapath, forged.bytes, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.shot)
        #expect(try await datapath.packetCounters()["drop_sctp_vtag"] == 1)
        // So is an endpoint packet with a tag other than the client's 0xA1B2C3D4.
        let reply = RawFrame(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Self.endpoint(10), dst: Self.client,
            proto: 132, l4: SCTP.packet(sport: 8080, dport: 40000, tag: 0x0102_0304, chunks: SCTP.dataChunk([4])))
        #expect(try run(datapath, reply.bytes, on: Fixture.serverSide).verdict == Verdict.shot)
        #expect(try await datapath.packetCounters()["drop_sctp_vtag"] == 2)
    }

    // MARK: ICMP echo

    @Test func echoToAVIPWithAnICMPRuleIsAnsweredAtFullSize() async throws {
        let datapath = try await datapath(proto: .icmp, port: 0, mode: .dnat, endpoints: [(Self.endpoint(10), 0)])
        // ping -M do -s 1472: a 1500-byte IP packet.
        let payload = (0..<1472).map { UInt8(truncatingIfNeeded: $0) }
        let request = clientFrame(proto: 1, l4: ICMP.echo(id: 0x4242, seq: 3, payload: payload))
        #expect(request.bytes.count == 1514)
        let result = try run(datapath, request.bytes, on: Fixture.clientSide)
        var expected = RawFrame(
            srcMAC: Fixture.clientSideMAC, dstMAC: Fixture.clientMAC, src: Self.vip, dst: Self.client, proto: 1,
            l4: ICMP.echo(type: 0, id: 0x4242, seq: 3, payload: payload))
        expected.ttl = 64
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(ICMP.valid(result.packet))
        #expect(try await datapath.packetCounters()["icmp_echo_reply"] == 1)
    }

    @Test func echoToAnAddressWithoutAnICMPRulePasses() async throws {
        let datapath = try await datapath(proto: .tcp, mode: .dnat, endpoints: [(Self.endpoint(10), 80)])
        let request = clientFrame(proto: 1, l4: ICMP.echo(id: 1, seq: 1, payload: [1, 2, 3, 4]))
        let result = try run(datapath, request.bytes, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == request.bytes)
    }

    // MARK: ICMP errors about tracked flows

    /// A port unreachable from `reporter` to `outerDst` quoting the UDP packet `quoted` (IP header + 8 bytes).
    func portUnreachable(from reporter: [UInt8], to outerDst: [UInt8], quoting quoted: [UInt8]) -> RawFrame {
        var frame = RawFrame(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: reporter, dst: outerDst, proto: 1,
            l4: ICMP.withChecksum([3, 3, 0, 0, 0, 0, 0, 0] + quoted))
        frame.fragment = 0
        return frame
    }

    /// The UDP datagram `src`:`sport` -> `dst`:`dport` as IP header + UDP header (what an ICMP error quotes).
    func quotedUDP(_ src: [UInt8], _ sport: UInt16, _ dst: [UInt8], _ dport: UInt16) -> [UInt8] {
        var packet = Packet(
            src: (src[0], src[1], src[2], src[3]), dst: (dst[0], dst[1], dst[2], dst[3]), proto: 17, sport: sport,
            dport: dport)
        packet.payload = Array("query".utf8)
        return Array(packet.bytes[14..<42])
    }

    @Test func portUnreachableFromADNATEndpointIsTranslatedBackToTheClient() async throws {
        let datapath = try await datapath(proto: .udp, mode: .dnat, endpoints: [(Self.endpoint(10), 8080)])
        let query = Fixture.toVIP(proto: 17, sport: 5353, dport: 80)
        #expect(try run(datapath, query.bytes, on: Fixture.clientSide).verdict == Verdict.redirect)
        // The endpoint answers the DNATed datagram client:5353 -> endpoint:8080 with port unreachable.
        let error = portUnreachable(
            from: Self.endpoint(10), to: Self.client, quoting: quotedUDP(Self.client, 5353, Self.endpoint(10), 8080))
        let result = try run(datapath, error.bytes, on: Fixture.serverSide)
        let expected = portUnreachable(
            from: Self.vip, to: Self.client, quoting: quotedUDP(Self.client, 5353, Self.vip, 80))
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == expected.bytes)
        #expect(ICMP.valid(result.packet))
        #expect(Checksum.fold(Checksum.sum(Array(result.packet[42..<62]))) == 0)
        #expect(try await datapath.packetCounters()["icmp_err_xlate"] == 1)
    }

    @Test func portUnreachableInFullNATGoesToTheRealClient() async throws {
        let datapath = try await datapath(proto: .udp, mode: .fullNAT, endpoints: [(Self.endpoint(10), 8080)])
        let out = try run(datapath, Fixture.toVIP(proto: 17, sport: 5353, dport: 80).bytes, on: Fixture.clientSide)
        let port = sourcePort(out.packet)
        let error = portUnreachable(
            from: Self.endpoint(10), to: Self.vip, quoting: quotedUDP(Self.vip, port, Self.endpoint(10), 8080))
        let result = try run(datapath, error.bytes, on: Fixture.serverSide)
        let expected = portUnreachable(
            from: Self.vip, to: Self.client, quoting: quotedUDP(Self.client, 5353, Self.vip, 80))
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == expected.bytes)
        #expect(ICMP.valid(result.packet))
    }

    @Test func anICMPErrorAboutAnUntrackedPacketPassesUntouched() async throws {
        let datapath = try await datapath(proto: .udp, mode: .dnat, endpoints: [(Self.endpoint(10), 8080)])
        let error = portUnreachable(
            from: Self.endpoint(10), to: Self.client, quoting: quotedUDP(Self.client, 999, Self.endpoint(10), 8080))
        let result = try run(datapath, error.bytes, on: Fixture.serverSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == error.bytes)
    }

    // MARK: DSR

    @Test func dsrToAnOnLinkEndpointRewritesOnlyMACsAndTTL() async throws {
        let datapath = try await datapath(
            proto: .tcp, mode: .dsr, selection: .hash, endpoints: [(Self.endpoint(10), 80)])
        var syn = Fixture.toVIP(sport: 40000, dport: 80)
        syn.payload = []
        let result = try run(datapath, syn.bytes, on: Fixture.clientSide)
        var expected = syn
        (expected.srcMAC, expected.dstMAC, expected.ttl) = (Fixture.serverSideMAC, Fixture.endpointMAC(10), 63)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum.valid(result.packet))
        // Leaving through the endpoint's interface, the egress program must not take it again.
        let again = try TestRun.run(try datapath.programs().egress, packet: result.packet, ifindex: Fixture.serverSide)
        #expect(again.verdict == Verdict.ok)
        #expect(again.packet == result.packet)
        #expect(try await datapath.packetCounters()["pass_dsr_egress"] == 1)
        // One entry (no reply path), established by the client's ACK.
        #expect(try datapath.conntrack.keys(limit: 16).count == 1)
        _ = try run(datapath, Fixture.toVIP(flags: TCPFlags.ack).bytes, on: Fixture.clientSide)
        let flows = try await datapath.connections()
        #expect(flows.count == 1)
        #expect(flows.first?.state == "est")
        #expect(flows.first?.endpointAddress == address(Self.endpoint(10)))
        let named = try await datapath.packetCounters()
        #expect(named["dsr_l2"] == 2 && named["ct_new"] == 1 && named["dsr_ipip"] == 0)
    }

    @Test func dsrUDPToAnOnLinkEndpoint() async throws {
        let datapath = try await datapath(
            proto: .udp, mode: .dsr, selection: .hash, endpoints: [(Self.endpoint(11), 80)])
        var query = Fixture.toVIP(proto: 17, sport: 5353, dport: 80)
        query.payload = Array("dsr".utf8)
        let result = try run(datapath, query.bytes, on: Fixture.clientSide)
        var expected = query
        (expected.srcMAC, expected.dstMAC, expected.ttl) = (Fixture.serverSideMAC, Fixture.endpointMAC(11), 63)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum.valid(result.packet))
    }

    @Test func dsrToARoutedEndpointEncapsulatesInIPIP() async throws {
        let datapath = try await datapath(
            proto: .tcp, mode: .dsr, selection: .hash, endpoints: [(Self.routedEndpoint, 80)])
        try datapath.syncInterfaceAddresses()
        var syn = Fixture.toVIP(sport: 40000, dport: 80)
        syn.payload = Array(repeating: 0x61, count: 100)
        let result = try run(datapath, syn.bytes, on: Fixture.clientSide)
        var inner = syn
        inner.ttl = 63
        let innerIP = Array(inner.bytes[14...])
        var outer = RawFrame(
            srcMAC: Fixture.serverSideMAC, dstMAC: Fixture.endpointMAC(10), src: Self.fx1Address,
            dst: Self.routedEndpoint, proto: 4, l4: innerIP)
        (outer.ipID, outer.fragment, outer.ttl) = (0, 0x4000, 64)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == outer.bytes)
        #expect(Checksum.fold(Checksum.sum(Array(result.packet[14..<34]))) == 0)
        #expect(Checksum.valid([UInt8](result.packet[0..<14]) + Array(result.packet[34...])))
        #expect(try await datapath.packetCounters()["dsr_ipip"] == 1)
    }

    @Test func dsrSCTPKeepsTheCRC() async throws {
        let datapath = try await datapath(
            proto: .sctp, mode: .dsr, selection: .hash, endpoints: [(Self.endpoint(12), 80)])
        let initPacket = clientFrame(
            proto: 132, l4: SCTP.packet(sport: 40000, dport: 80, tag: 0, chunks: SCTP.initChunk(tag: 77)))
        let result = try run(datapath, initPacket.bytes, on: Fixture.clientSide)
        var expected = initPacket
        (expected.srcMAC, expected.dstMAC, expected.ttl) = (Fixture.serverSideMAC, Fixture.endpointMAC(12), 63)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(SCTP.valid(result.packet))
    }

    @Test func dsrIPIPBeyondTheMTUSendsFragmentationNeeded() async throws {
        let datapath = try await datapath(
            proto: .tcp, mode: .dsr, selection: .hash, endpoints: [(Self.routedEndpoint, 80)])
        try datapath.syncInterfaceAddresses()
        var big = Fixture.toVIP(sport: 40000, dport: 80, flags: TCPFlags.ack)
        big.payload = Array(repeating: 0x62, count: 1460)  // a 1500-byte IP packet with DF
        let original = big.bytes
        #expect(original.count == 1514)
        let result = try run(datapath, original, on: Fixture.clientSide)
        let icmp = ICMP.withChecksum([3, 4, 0, 0, 0, 0] + be16(1480) + Array(original[14..<42]))
        var expected = RawFrame(
            srcMAC: Fixture.clientSideMAC, dstMAC: Fixture.clientMAC, src: Self.fx0Address, dst: Self.client,
            proto: 1, l4: icmp)
        (expected.ipID, expected.fragment, expected.ttl) = (0, 0, 64)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(ICMP.valid(result.packet))
        #expect(try await datapath.packetCounters()["icmp_frag_needed"] == 1)

        // 1480 bytes of IP fit once encapsulated.
        var fits = big
        fits.payload = Array(repeating: 0x62, count: 1440)
        let ok = try run(datapath, fits.bytes, on: Fixture.clientSide)
        #expect(ok.verdict == Verdict.redirect)
        #expect(ok.packet.count == fits.bytes.count + 20)
        #expect(ok.packet[23] == 4)
    }
}
