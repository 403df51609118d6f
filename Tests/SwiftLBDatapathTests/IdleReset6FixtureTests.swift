import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Idle TCP reset both ways for IPv6 flows (NAT66 default and fullnat, NAT64 from either end): the sender's RST is the
/// program's output, the other end's RST a clone captured on the far side of the veth; both are compared with frames
/// built here with their checksums computed from scratch.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct IdleReset6FixtureTests {
    static let sport: UInt16 = 49100

    func run(_ datapath: EBPFDatapath, _ bytes: [UInt8], on ifindex: Int32) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: bytes, ifindex: ifindex)
    }

    /// A datapath with one IPv6 service (timeout 1 s) to endpoint 10 (IPv4 when `nat64`).
    func makeDatapath(mode: NATMode, nat64: Bool = false) async throws -> EBPFDatapath {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(
            DatapathService(
                id: 9, key: ServiceKey(vip: .v6(Fixture.vip6), port: 80, proto: .tcp), selection: .roundRobin,
                mode: mode, inactiveTimeout: 1,
                endpoints: [
                    DatapathEndpoint(
                        address: nat64 ? .v4(0x0a0a_020a) : .v6(Fixture.endpoint6(10)), port: 8080, weight: 1)
                ]))
        if nat64 { try datapath.syncInterfaceAddresses() }  // the IPv4 source of NAT64 flows
        return datapath
    }

    /// An IPv6 RST frame (hop limit 64, window 0, ACK 0) with its checksum computed here.
    static func rst6(macs: [UInt8], src: [UInt8], dst: [UInt8], sport: UInt16, dport: UInt16, seq: UInt32) -> [UInt8] {
        var tcp = be16(sport) + be16(dport) + be32(seq) + be32(0) + [0x50, TCPFlags.rst] + [0, 0, 0, 0, 0, 0]
        let sum = Checksum.fold(Checksum.sum(Checksum6.pseudoHeader(src, dst, proto: 6, length: 20) + tcp))
        tcp[16] = UInt8(sum >> 8)
        tcp[17] = UInt8(sum & 0xff)
        return macs + [0x86, 0xdd] + [0x60, 0, 0, 0] + be16(20) + [6, 64] + src + dst + tcp
    }

    /// Opens and establishes a flow from the client; returns the translated source (address, port) it leaves with.
    func establish6(_ datapath: EBPFDatapath) throws -> (address: [UInt8], port: UInt16) {
        let out = try run(datapath, Fixture.toVIP6(sport: Self.sport).bytes, on: Fixture.clientSide)
        #expect(out.verdict == Verdict.redirect)
        let source = Array(out.packet[22..<38]), port = UInt16(out.packet[54]) << 8 | UInt16(out.packet[55])
        let synAck = Packet6(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint6(10), dst: source,
            sport: 8080, dport: port, tcpFlags: TCPFlags.syn | TCPFlags.ack)
        #expect(try run(datapath, synAck.bytes, on: Fixture.serverSide).verdict == Verdict.redirect)
        let ack = Fixture.toVIP6(sport: Self.sport, flags: TCPFlags.ack)
        #expect(try run(datapath, ack.bytes, on: Fixture.clientSide).verdict == Verdict.redirect)
        return (source, port)
    }

    @Test(arguments: [NATMode.dnat, .fullNAT])
    func idleNAT66FlowIsResetBothWays(mode: NATMode) async throws {
        let datapath = try await makeDatapath(mode: mode)
        let (source, port) = try establish6(datapath)
        #expect(try await datapath.connections().first?.state == "est")
        let capture = try #require(FrameCapture(interface: "fx1p"), "cannot capture on fx1p")
        try await Task.sleep(for: .milliseconds(2200))
        var late = Fixture.toVIP6(sport: Self.sport, flags: TCPFlags.ack | TCPFlags.psh)
        late.seq = 7777
        late.payload = Array("late".utf8)
        let result = try run(datapath, late.bytes, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.redirect)
        #expect(
            result.packet
                == Self.rst6(
                    macs: Fixture.clientMAC + Fixture.clientSideMAC, src: Fixture.vip6, dst: Fixture.client6, sport: 80,
                    dport: Self.sport, seq: 5000))
        let expected = Self.rst6(
            macs: Fixture.endpointMAC(10) + Fixture.serverSideMAC, src: source, dst: Fixture.endpoint6(10),
            sport: port, dport: 8080, seq: 7777)
        // Only this flow's frame: other fixtures running at the same time send RSTs through fx1 too.
        let peer = capture.next {
            $0.count >= 74 && $0[12] == 0x86 && $0[13] == 0xdd && $0[20] == 6
                && Array($0[38..<54]) == Fixture.endpoint6(10) && Array($0[54..<58]) == be16(port) + be16(8080)
        }
        #expect(peer.map { Array($0.prefix(74)) } == expected)
        #expect(peer.map { Checksum6.valid(Array($0.prefix(74))) } == true)
        #expect(try await datapath.connections().isEmpty)
        #expect(try datapath.globalCounters()[Int(SLB_CNT_TCP_IDLE_RESET_PEER.rawValue)] == 1)
    }

    /// NAT64: the IPv4 endpoint sends after the idle time; it gets an IPv4 RST back, the IPv6 client an IPv6 RST.
    @Test func idleNAT64FlowIsResetBothWaysFromTheIPv4Side() async throws {
        let datapath = try await makeDatapath(mode: .dnat, nat64: true)
        let out = try run(datapath, Fixture.toVIP6(sport: Self.sport).bytes, on: Fixture.clientSide)
        #expect(out.verdict == Verdict.redirect)
        let lb = Array(out.packet[26..<30]), port = UInt16(out.packet[34]) << 8 | UInt16(out.packet[35])
        var synAck = Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
            dst: (lb[0], lb[1], lb[2], lb[3]), sport: 8080, dport: port, tcpFlags: TCPFlags.syn | TCPFlags.ack)
        #expect(try run(datapath, synAck.bytes, on: Fixture.serverSide).verdict == Verdict.redirect)
        let ack = Fixture.toVIP6(sport: Self.sport, flags: TCPFlags.ack)
        #expect(try run(datapath, ack.bytes, on: Fixture.clientSide).verdict == Verdict.redirect)
        #expect(try await datapath.connections().first?.state == "est")
        let capture = try #require(FrameCapture(interface: "fx0p"), "cannot capture on fx0p")
        try await Task.sleep(for: .milliseconds(2200))
        (synAck.tcpFlags, synAck.seq, synAck.payload) = (TCPFlags.ack | TCPFlags.psh, 8888, Array("late".utf8))
        let result = try run(datapath, synAck.bytes, on: Fixture.serverSide)
        #expect(result.verdict == Verdict.redirect)
        // To the endpoint (IPv4): from the LB's address and port, SEQ = the packet's ACK (5000).
        #expect(
            result.packet
                == SelectionFixtureTests.rst(
                    macs: Fixture.endpointMAC(10) + Fixture.serverSideMAC, src: lb, dst: [10, 10, 2, 10], sport: port,
                    dport: 8080, seq: 5000))
        // To the client (IPv6): from the VIP, SEQ = the packet's own.
        let expected = Self.rst6(
            macs: Fixture.clientMAC + Fixture.clientSideMAC, src: Fixture.vip6, dst: Fixture.client6, sport: 80,
            dport: Self.sport, seq: 8888)
        let peer = capture.next {
            $0.count >= 74 && $0[12] == 0x86 && $0[13] == 0xdd && $0[20] == 6
                && Array($0[38..<54]) == Fixture.client6 && Array($0[54..<58]) == be16(80) + be16(Self.sport)
        }
        #expect(peer.map { Array($0.prefix(74)) } == expected)
        #expect(try await datapath.connections().isEmpty)
        #expect(try datapath.globalCounters()[Int(SLB_CNT_TCP_IDLE_RESET_PEER.rawValue)] == 1)
    }
}
