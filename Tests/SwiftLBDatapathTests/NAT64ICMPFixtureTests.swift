import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// ICMP on the IPv4 side of NAT64 flows through the real programs (BPF_PROG_TEST_RUN): ICMPv4 errors about a
/// translated packet must reach the client as the ICMPv6 error (RFC 7915 §4.2) quoting exactly the packet it sent,
/// built here by `Packet6` with every checksum computed from scratch; replies too big for the client's link once
/// translated must be answered with a fragmentation needed (DF) or dropped and counted (no DF).
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct NAT64ICMPFixtureTests {
    static let lbAddress: [UInt8] = [10, 10, 2, 1]  // fx1
    static let router: [UInt8] = [10, 10, 2, 12]  // reports about packets to .10 in the router cases

    func run(_ datapath: EBPFDatapath, _ bytes: [UInt8], on ifindex: Int32) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: bytes, ifindex: ifindex)
    }

    /// A NAT64 datapath for `proto` with the client's `first` packet sent: returns the IPv4 packet the LB emitted.
    func flow(_ proto: L4Protocol, mode: NATMode = .dnat, first: Packet6) async throws -> (EBPFDatapath, [UInt8]) {
        let datapath = try await Fixture.datapath6(proto: proto, mode: mode, nat64: true)
        try datapath.syncInterfaceAddresses()
        let out = try run(datapath, first.bytes, on: Fixture.clientSide)
        #expect(out.verdict == Verdict.redirect)
        #expect(out.packet.count == first.bytes.count - 20)
        return (datapath, out.packet)
    }

    /// The ICMPv4 error `type`/`code` (`rest` the second word) from `reporter` to the LB quoting `quote`, TOS 0xc0.
    func icmp4Error(type: UInt8, code: UInt8, rest: UInt32 = 0, from reporter: [UInt8], quoting quote: [UInt8])
        -> [UInt8]
    {
        var frame = RawFrame(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: reporter, dst: Self.lbAddress,
            proto: 1, l4: ICMP.withChecksum([type, code, 0, 0] + be32(rest) + quote))
        (frame.fragment, frame.tos) = (0, 0xc0)
        return frame.bytes
    }

    /// What the client must receive: ICMPv6 `type`/`code`/`rest` from the VIP quoting `quote`, traffic class 0xc0.
    func icmp6(type: UInt8, code: UInt8, rest: UInt32 = 0, quoting quote: [UInt8]) -> [UInt8] {
        var packet = Packet6(
            srcMAC: Fixture.clientSideMAC, dstMAC: Fixture.clientMAC, src: Fixture.vip6, dst: Fixture.client6,
            proto: 58, sport: UInt16(rest >> 16), dport: UInt16(rest & 0xffff))
        (packet.icmpType, packet.icmpCode, packet.hopLimit, packet.trafficClass, packet.payload) =
            (type, code, 63, 0xc0, quote)
        return packet.bytes
    }

    /// The client's packet (without Ethernet) as the endpoint quotes it: hop limit 63 (the quoted TTL), `count` bytes.
    func clientView(_ packet: Packet6, count: Int? = nil) -> [UInt8] {
        var copy = packet
        copy.hopLimit = 63
        let ip = Array(copy.bytes.dropFirst(14))
        return Array(ip.prefix(count ?? ip.count))
    }

    /// Sends `error` from the IPv4 side; the output must be `expected`. Returns the output.
    @discardableResult
    func expectTranslated(_ datapath: EBPFDatapath, _ error: [UInt8], _ expected: [UInt8]) async throws -> [UInt8] {
        let result = try run(datapath, error, on: Fixture.serverSide)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected)
        #expect(Checksum6.valid(result.packet))
        #expect(try await datapath.packetCounters()["ct_icmp46_error"] == 1)
        return result.packet
    }

    /// The packet quoted by the ICMPv6 error `frame`, as an Ethernet frame of its own.
    func quoted(_ frame: [UInt8]) -> [UInt8] { Array(frame[0..<14]) + Array(frame[62...]) }

    func udpQuery() -> Packet6 {
        var query = Fixture.toVIP6(proto: 17, sport: 5353, dport: 80)
        (query.payload, query.trafficClass) = (Array("query".utf8), 0x20)
        return query
    }

    // MARK: errors

    @Test(arguments: [NATMode.dnat, .oneArm, .fullNAT])
    func portUnreachableReachesTheClientAsICMPv6(mode: NATMode) async throws {
        let query = udpQuery()
        let (datapath, out) = try await flow(.udp, mode: mode, first: query)
        // The endpoint quotes the whole datagram (as Linux does up to 576 bytes), UDP checksum included.
        let err4 = icmp4Error(type: 3, code: 3, from: Array(out[30..<34]), quoting: Array(out[14...]))
        let expected = icmp6(type: 1, code: 4, quoting: clientView(query))
        let out6 = try await expectTranslated(datapath, err4, expected)
        // The quoted datagram is the client's own again: its UDP checksum verifies over the client's addresses.
        #expect(Checksum6.valid(quoted(out6)))
    }

    /// ICMPv4 destination unreachable / time exceeded (type, code) -> ICMPv6 (type, code, second word).
    static let mappings: [(UInt8, UInt8, UInt8, UInt8, UInt32)] = [
        (3, 0, 1, 0, 0), (3, 1, 1, 0, 0), (3, 2, 4, 1, 6), (3, 3, 1, 4, 0), (3, 5, 1, 0, 0), (3, 9, 1, 1, 0),
        (3, 10, 1, 1, 0), (3, 13, 1, 1, 0), (11, 0, 3, 0, 0), (11, 1, 3, 1, 0),
    ]

    @Test(arguments: mappings)
    func typesAndCodesFollowRFC7915(_ map: (UInt8, UInt8, UInt8, UInt8, UInt32)) async throws {
        let query = udpQuery()
        let (datapath, out) = try await flow(.udp, first: query)
        let err4 = icmp4Error(type: map.0, code: map.1, from: Self.router, quoting: Array(out[14...]))
        try await expectTranslated(
            datapath, err4, icmp6(type: map.2, code: map.3, rest: map.4, quoting: clientView(query)))
    }

    /// Fragmentation needed (next-hop MTU) -> packet too big (MTU): +20, at least 1280, at most the client link's 1500;
    /// an MTU of 0 takes the RFC 1191 plateau below the quoted length (1006 for 1480, so 1280).
    static let mtus: [(UInt16, UInt32)] = [(1400, 1420), (1000, 1280), (1500, 1500), (0, 1280)]

    @Test(arguments: mtus)
    func fragmentationNeededBecomesPacketTooBig(_ mtu: (UInt16, UInt32)) async throws {
        var segment = Fixture.toVIP6(flags: TCPFlags.ack)
        segment.payload = (0..<1440).map { UInt8($0 & 0xff) }
        let (datapath, out) = try await flow(.tcp, first: segment)
        #expect(out.count == 1494)
        // A router quoting the IPv4 header and 8 bytes (RFC 792): the TCP checksum is not quoted.
        let err4 = icmp4Error(type: 3, code: 4, rest: UInt32(mtu.0), from: Self.router, quoting: Array(out[14..<42]))
        let expected = icmp6(type: 2, code: 0, rest: mtu.1, quoting: clientView(segment, count: 48))
        try await expectTranslated(datapath, err4, expected)
    }

    @Test func timeExceededQuotingTheTCPChecksumRestoresIt() async throws {
        var segment = Fixture.toVIP6(flags: TCPFlags.ack)
        (segment.payload, segment.trafficClass) = (Array("GET / HTTP/1.1\r\n".utf8), 0x10)
        let (datapath, out) = try await flow(.tcp, mode: .fullNAT, first: segment)
        let err4 = icmp4Error(type: 11, code: 0, from: Self.router, quoting: Array(out[14...]))
        let expected = icmp6(type: 3, code: 0, quoting: clientView(segment))
        let out6 = try await expectTranslated(datapath, err4, expected)
        #expect(Checksum6.valid(quoted(out6)))
    }

    @Test func untranslatableErrorsPassUntouched() async throws {
        let (datapath, out) = try await flow(.udp, first: udpQuery())
        // Destination unreachable code 14 (precedence cutoff): RFC 7915 drops it; the stack may have it.
        let cutoff = icmp4Error(type: 3, code: 14, from: Self.router, quoting: Array(out[14...]))
        let result = try run(datapath, cutoff, on: Fixture.serverSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == cutoff)
        // An error about a port the flow never used.
        var other = Array(out[14...])
        (other[20], other[21]) = (0x12, 0x34)
        let untracked = icmp4Error(type: 3, code: 3, from: Self.router, quoting: other)
        let passed = try run(datapath, untracked, on: Fixture.serverSide)
        #expect(passed.verdict == Verdict.ok)
        #expect(passed.packet == untracked)
        let named = try await datapath.packetCounters()
        #expect(named["ct_icmp46_error"] == 0 && named["pass_no_match"] == 2)
    }

    // MARK: replies too big for the client's link

    /// The endpoint's UDP reply of `size` bytes of IPv4 to the LB's `port`, DF as given.
    func reply(port: UInt16, size: Int, dontFragment: Bool) -> Packet {
        var reply = Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
            dst: (10, 10, 2, 1), proto: 17, sport: 8080, dport: port)
        (reply.payload, reply.dontFragment) = (Array(repeating: 0x5a, count: size - 28), dontFragment)
        return reply
    }

    @Test func aReplyTooBigWithDFIsAnsweredWithFragmentationNeeded() async throws {
        let (datapath, out) = try await flow(.udp, first: udpQuery())
        let port = UInt16(out[34]) << 8 | UInt16(out[35])
        let big = reply(port: port, size: 1500, dontFragment: true).bytes
        let result = try run(datapath, big, on: Fixture.serverSide)
        // Back to the endpoint from the LB's address: 1500 - 20 fits the client's 1500-byte link.
        var expected = RawFrame(
            srcMAC: Fixture.serverSideMAC, dstMAC: Fixture.endpointMAC(10), src: Self.lbAddress,
            dst: [10, 10, 2, 10], proto: 1,
            l4: ICMP.withChecksum([3, 4, 0, 0, 0, 0] + be16(1480) + Array(big[14..<42])))
        (expected.ipID, expected.fragment, expected.ttl) = (0, 0, 64)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(ICMP.valid(result.packet))
        #expect(try await datapath.packetCounters()["icmp_frag_needed"] == 1)

        // 1480 bytes of IPv4 become 1500 of IPv6 and pass.
        let fits = reply(port: port, size: 1480, dontFragment: true)
        let sent = try run(datapath, fits.bytes, on: Fixture.serverSide)
        var back = Packet6(
            srcMAC: Fixture.clientSideMAC, dstMAC: Fixture.clientMAC, src: Fixture.vip6, dst: Fixture.client6,
            proto: 17, sport: 80, dport: 5353)
        (back.hopLimit, back.payload) = (63, fits.payload)
        #expect(sent.verdict == Verdict.redirect)
        #expect(sent.packet == back.bytes)
        #expect(Checksum6.valid(sent.packet))
    }

    @Test func aReplyTooBigWithoutDFIsDroppedAndCounted() async throws {
        let (datapath, out) = try await flow(.udp, first: udpQuery())
        let port = UInt16(out[34]) << 8 | UInt16(out[35])
        let result = try run(datapath, reply(port: port, size: 1500, dontFragment: false).bytes, on: Fixture.serverSide)
        #expect(result.verdict == Verdict.shot)
        let named = try await datapath.packetCounters()
        #expect(named["drop_nat64_too_big"] == 1 && named["icmp_frag_needed"] == 0)
    }
}
