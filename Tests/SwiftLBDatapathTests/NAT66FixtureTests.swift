import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// IPv6 packets through the real programs with BPF_PROG_TEST_RUN: NAT66 in modes default (0), onearm (1) and
/// fullnat (2), TCP and UDP, extension headers. Every output byte is compared with a packet built independently
/// (Packet6), whose checksum PacketTestSupport computes from scratch; allocated ports are read from the output.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct NAT66FixtureTests {
    static let portRange = UInt16(SLB_NAT_PORT_MIN)...UInt16(SLB_NAT_PORT_MAX)

    func run(_ datapath: EBPFDatapath, _ packet: Packet6, on ifindex: Int32) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: packet.bytes, ifindex: ifindex)
    }

    /// The TCP/UDP source port of an IPv6 frame without extension headers.
    func sourcePort(_ bytes: [UInt8]) -> UInt16 { UInt16(bytes[54]) << 8 | UInt16(bytes[55]) }

    /// Sends `first` from the client; it must leave toward endpoint 10 as `source`:<port> -> [ep]:8080 (the
    /// client's own port when `source` is nil). Returns the source port.
    func expectOut(_ datapath: EBPFDatapath, _ first: Packet6, source: [UInt8]?) throws -> UInt16 {
        let result = try run(datapath, first, on: Fixture.clientSide)
        let port = source == nil ? first.sport : sourcePort(result.packet)
        var expected = first
        if let source { (expected.src, expected.sport) = (source, port) }
        (expected.dst, expected.dport, expected.hopLimit) = (Fixture.endpoint6(10), 8080, 63)
        (expected.srcMAC, expected.dstMAC) = (Fixture.serverSideMAC, Fixture.endpointMAC(10))
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum6.valid(result.packet))
        if source != nil { #expect(Self.portRange.contains(port)) }
        return port
    }

    /// Sends `reply` from endpoint 10; it must leave toward the client as [VIP]:80 -> [client]:`clientPort`.
    func expectBack(_ datapath: EBPFDatapath, _ reply: Packet6, clientPort: UInt16) throws {
        let result = try run(datapath, reply, on: Fixture.serverSide)
        var expected = reply
        (expected.src, expected.sport, expected.hopLimit) = (Fixture.vip6, 80, 63)
        (expected.dst, expected.dport) = (Fixture.client6, clientPort)
        (expected.srcMAC, expected.dstMAC) = (Fixture.clientSideMAC, Fixture.clientMAC)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum6.valid(result.packet))
    }

    func reply(to: [UInt8], port: UInt16, proto: UInt8 = 6, flags: UInt8 = TCPFlags.syn | TCPFlags.ack) -> Packet6 {
        Packet6(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint6(10), dst: to,
            proto: proto, sport: 8080, dport: port, tcpFlags: flags)
    }

    @Test func defaultModeTranslatesTheDestinationAndTheReplyBack() async throws {
        let datapath = try await Fixture.datapath6()
        _ = try expectOut(datapath, Fixture.toVIP6(), source: nil)
        try expectBack(datapath, reply(to: Fixture.client6, port: 40000), clientPort: 40000)
        let ack = try run(datapath, Fixture.toVIP6(flags: TCPFlags.ack), on: Fixture.clientSide)
        #expect(ack.verdict == Verdict.redirect)
        let flows = try await datapath.connections()
        #expect(flows.count == 1)
        let flow = try #require(flows.first)
        #expect(flow.clientAddress.description == "fd00:10:1::2" && flow.clientPort == 40000)
        #expect(flow.serviceAddress.description == "fd00:10:100::1" && flow.servicePort == 80)
        #expect(flow.endpointAddress.description == "fd00:10:2::a" && flow.endpointPort == 8080)
        #expect(flow.state == "est")
        #expect(flow.counters.packets == 3)
        let named = try await datapath.packetCounters()
        #expect(named["ct_new"] == 1 && named["ct_hit"] == 2 && named["fwd_redirect"] == 3)
    }

    @Test func fullNATTranslatesTheSourceToTheVIPWithAnAllocatedPort() async throws {
        let datapath = try await Fixture.datapath6(mode: .fullNAT)
        let port = try expectOut(datapath, Fixture.toVIP6(), source: Fixture.vip6)
        try expectBack(datapath, reply(to: Fixture.vip6, port: port), clientPort: 40000)
        #expect(try await datapath.connections().first?.state == "syn-recv")
    }

    @Test func fullNATClientsWithTheSameSourcePortGetDifferentPorts() async throws {
        let datapath = try await Fixture.datapath6(mode: .fullNAT, endpoints: [10])
        var ports: [UInt16] = []
        for last: UInt8 in [2, 3, 4] {
            var syn = Fixture.toVIP6()
            syn.src = Fixture.ip6("fd00:10:1::\(last)")
            let result = try run(datapath, syn, on: Fixture.clientSide)
            #expect(result.verdict == Verdict.redirect)
            #expect(Checksum6.valid(result.packet))
            ports.append(sourcePort(result.packet))
        }
        #expect(Set(ports).count == 3)
        for (index, last) in [UInt8(2), 3, 4].enumerated() {
            let back = try run(datapath, reply(to: Fixture.vip6, port: ports[index]), on: Fixture.serverSide)
            #expect(back.verdict == Verdict.redirect)
            #expect(Array(back.packet[38..<54]) == Fixture.ip6("fd00:10:1::\(last)"))
            #expect(Checksum6.valid(back.packet))
        }
    }

    @Test func oneArmUsesTheIPv6AddressOfTheInterfaceTowardTheEndpoint() async throws {
        let datapath = try await Fixture.datapath6(mode: .oneArm)
        try datapath.syncInterfaceAddresses()
        #expect(try datapath.interfaceIPv6Addresses()[UInt32(Fixture.serverSide)] == .v6(Fixture.fx1Address6))
        let port = try expectOut(datapath, Fixture.toVIP6(), source: Fixture.fx1Address6)
        try expectBack(datapath, reply(to: Fixture.fx1Address6, port: port), clientPort: 40000)
    }

    @Test func oneArmWithoutAnIPv6InterfaceAddressPassesUntouched() async throws {
        let datapath = try await Fixture.datapath6(mode: .oneArm)
        let syn = Fixture.toVIP6()
        let result = try run(datapath, syn, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == syn.bytes)
        #expect(try await datapath.packetCounters()["pass_no_snat_addr"] == 1)
    }

    @Test(arguments: [NATMode.dnat, .oneArm, .fullNAT])
    func udpIsTranslatedBothWays(mode: NATMode) async throws {
        let datapath = try await Fixture.datapath6(proto: .udp, mode: mode)
        try datapath.syncInterfaceAddresses()
        var query = Fixture.toVIP6(proto: 17, sport: 5353, dport: 80)
        query.payload = Array("hello over IPv6".utf8)
        let source: [UInt8]? = mode == .dnat ? nil : mode == .fullNAT ? Fixture.vip6 : Fixture.fx1Address6
        let port = try expectOut(datapath, query, source: source)
        var answer = reply(to: source ?? Fixture.client6, port: port, proto: 17)
        answer.payload = Array("world".utf8)
        try expectBack(datapath, answer, clientPort: 5353)
        #expect(try await datapath.connections().first?.state == "est")
    }

    @Test func fullSizeFramesPassBothWays() async throws {
        let datapath = try await Fixture.datapath6(mode: .fullNAT)
        var big = Fixture.toVIP6(flags: TCPFlags.ack)
        big.payload = (0..<1440).map { UInt8($0 & 0xff) }
        #expect(big.bytes.count == 1514)  // a 1500-byte IPv6 packet
        let port = try expectOut(datapath, big, source: Fixture.vip6)
        var back = reply(to: Fixture.vip6, port: port, flags: TCPFlags.ack)
        back.payload = big.payload.reversed()
        try expectBack(datapath, back, clientPort: 40000)
    }

    @Test func skippedExtensionHeadersStayAndTheL4HeaderIsTranslated() async throws {
        let datapath = try await Fixture.datapath6()
        var syn = Fixture.toVIP6()
        syn.extensions = [.hopByHop, .routing(segmentsLeft: 0), .destination]
        _ = try expectOut(datapath, syn, source: nil)
        #expect(try await datapath.connections().count == 1)
    }

    @Test func unwalkableExtensionHeadersPassUntouchedAndAreCounted() async throws {
        let datapath = try await Fixture.datapath6()
        var cases: [(Packet6, String)] = []
        var fragment = Fixture.toVIP6()
        fragment.extensions = [.fragment]
        cases.append((fragment, "pass_fragment"))
        var routed = Fixture.toVIP6()
        routed.extensions = [.routing(segmentsLeft: 1)]
        cases.append((routed, "pass_ipv6_ext"))
        var authenticated = Fixture.toVIP6()
        authenticated.extensions = [Packet6.Extension(type: 51, body: [0, 0] + be32(1) + be32(1) + be32(0))]
        cases.append((authenticated, "pass_ipv6_ext"))
        var many = Fixture.toVIP6()
        many.extensions = Array(repeating: .destination, count: 5)
        cases.append((many, "pass_ipv6_ext"))
        for (packet, _) in cases {
            let result = try run(datapath, packet, on: Fixture.clientSide)
            #expect(result.verdict == Verdict.ok)
            #expect(result.packet == packet.bytes)
        }
        let named = try await datapath.packetCounters()
        #expect(named["pass_fragment"] == 1 && named["pass_ipv6_ext"] == 3 && named["ct_new"] == 0)
        #expect(try await datapath.connections().isEmpty)
    }

    @Test func truncatedPacketsAreDroppedAsMalformed() async throws {
        let datapath = try await Fixture.datapath6()
        var bytes = Fixture.toVIP6().bytes
        bytes[19] &+= 8  // payload length beyond the frame
        let long = try TestRun.run(try datapath.programs().ingress, packet: bytes, ifindex: Fixture.clientSide)
        #expect(long.verdict == Verdict.shot)
        var tcp = Fixture.toVIP6()
        tcp.extensions = [.destination]
        var cut = tcp.bytes
        cut.removeLast(8)  // the TCP header no longer fits the payload
        cut[19] -= 8
        let short = try TestRun.run(try datapath.programs().ingress, packet: cut, ifindex: Fixture.clientSide)
        #expect(short.verdict == Verdict.shot)
        #expect(try await datapath.packetCounters()["drop_malformed"] == 2)
    }

    @Test func echoRequestToTheVIPIsAnswered() async throws {
        let datapath = try await Fixture.datapath6()
        var ping = Fixture.toVIP6(proto: 58, sport: 0x1234, dport: 7)
        ping.payload = Array("abcdefgh".utf8)
        let result = try run(datapath, ping, on: Fixture.clientSide)
        var expected = ping.reversed()
        (expected.icmpType, expected.hopLimit) = (129, 64)
        (expected.sport, expected.dport) = (0x1234, 7)  // identifier and sequence are echoed, not swapped
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum6.valid(result.packet))
        #expect(try await datapath.packetCounters()["fwd_icmp6_echo"] == 1)

        // Another address, or the VIP once its last service is gone, is not answered.
        var other = ping
        other.dst = Fixture.ip6("fd00:10:100::2")
        let passed = try run(datapath, other, on: Fixture.clientSide)
        #expect(passed.verdict == Verdict.ok && passed.packet == other.bytes)
        try await datapath.remove(key: ServiceKey(vip: .v6(Fixture.vip6), port: 80, proto: .tcp), id: 9)
        let gone = try run(datapath, ping, on: Fixture.clientSide)
        #expect(gone.verdict == Verdict.ok && gone.packet == ping.bytes)
        #expect(try await datapath.programmedServices().isEmpty)
    }

    /// An ICMPv6 error (`type`/`code`, 4 bytes `word` after the checksum) from `from` to `to` quoting `quoted`.
    func icmpError(type: UInt8, code: UInt8 = 0, word: UInt32, from: [UInt8], to: [UInt8], quoting quoted: [UInt8])
        -> Packet6
    {
        var error = Packet6(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: from, dst: to, proto: 58,
            sport: UInt16(word >> 16), dport: UInt16(word & 0xffff))
        (error.icmpType, error.icmpCode) = (type, code)
        error.payload = Array(quoted.dropFirst(14))
        return error
    }

    @Test func packetTooBigAboutAFullNATFlowReachesTheClient() async throws {
        let datapath = try await Fixture.datapath6(mode: .fullNAT)
        // A client port outside the allocation range, so that the LB's port differs and must be translated back.
        let syn = Fixture.toVIP6(sport: 20000)
        let out = try run(datapath, syn, on: Fixture.clientSide)
        let port = sourcePort(out.packet)
        // The endpoint's link cannot take the SYN's size: it tells the LB's VIP:port.
        let error = icmpError(type: 2, word: 1400, from: Fixture.endpoint6(10), to: Fixture.vip6, quoting: out.packet)
        let result = try run(datapath, error, on: Fixture.serverSide)

        var quoted = syn
        quoted.hopLimit = 63  // as the LB forwarded it
        var expected = icmpError(type: 2, word: 1400, from: Fixture.vip6, to: Fixture.client6, quoting: quoted.bytes)
        (expected.srcMAC, expected.dstMAC, expected.hopLimit) = (Fixture.clientSideMAC, Fixture.clientMAC, 63)
        #expect(port != 20000)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum6.valid(result.packet))
        // The quoted TCP header's checksum is the client's own again.
        #expect(Array(result.packet[(62 + 40 + 16)..<(62 + 40 + 18)]) == Array(syn.bytes[70..<72]))
        #expect(try await datapath.packetCounters()["ct_icmp6_error"] == 1)
    }

    @Test func portUnreachableAboutADefaultModeUDPFlowReachesTheClient() async throws {
        let datapath = try await Fixture.datapath6(proto: .udp)
        var query = Fixture.toVIP6(proto: 17, sport: 5353, dport: 80)
        query.payload = Array("anyone?".utf8)
        let out = try run(datapath, query, on: Fixture.clientSide)
        let router = Fixture.ip6("fd00:10:2::99")
        let error = icmpError(type: 1, code: 4, word: 0, from: router, to: Fixture.client6, quoting: out.packet)
        let result = try run(datapath, error, on: Fixture.serverSide)

        var quoted = query
        quoted.hopLimit = 63
        var expected = icmpError(type: 1, code: 4, word: 0, from: router, to: Fixture.client6, quoting: quoted.bytes)
        (expected.srcMAC, expected.dstMAC, expected.hopLimit) = (Fixture.clientSideMAC, Fixture.clientMAC, 63)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum6.valid(result.packet))

        // An error quoting a flow nobody tracks passes untouched.
        var stranger = query
        stranger.sport = 5999
        let unrelated = icmpError(type: 1, code: 4, word: 0, from: router, to: Fixture.client6, quoting: stranger.bytes)
        let passed = try run(datapath, unrelated, on: Fixture.serverSide)
        #expect(passed.verdict == Verdict.ok && passed.packet == unrelated.bytes)
    }
}
