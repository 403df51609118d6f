import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// SCTP multihoming of an IPv6 rule through the real programs with BPF_PROG_TEST_RUN (bpf/lib/sctp_mh6.h,
/// stage SCTPMH6): IPv6 INIT and INIT ACK address parameters rewritten in place, compared byte for byte with
/// frames built here (CRC32c recomputed bit by bit), IPv4 parameters padded, conntrack entries for every
/// path created and closed together, HEARTBEAT and DATA on the secondary path, ASCONF refused.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct SCTPMultihome6FixtureTests {
    static let client0 = Fixture.ip6("fd00:10:1::2")
    static let client1 = Fixture.ip6("fd00:10:1::3")
    static let client2 = Fixture.ip6("fd00:10:1::4")
    static let vip0 = Fixture.ip6("fd00:10:100::1")
    static let vip1 = Fixture.ip6("fd00:10:100::2")
    static let endpoint = Fixture.ip6("fd00:10:2::a")
    static let endpoint2 = Fixture.ip6("fd00:10:2::b")
    static let clientV4: [UInt8] = [10, 10, 1, 9]
    static let clientTag: UInt32 = 0xA1B2_C3D4
    static let endpointTag: UInt32 = 0x0102_0304
    static let cport: UInt16 = 40000
    static let vport: UInt16 = 38412

    func address(_ bytes: [UInt8]) -> IPAddress { .v6(bytes) }

    /// A fresh datapath with the multihomed service [vip0] (+ vip1):38412/sctp in `mode` to the endpoint.
    func datapath(mode: NATMode) async throws -> EBPFDatapath {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(
            DatapathService(
                id: 6, key: ServiceKey(vip: address(Self.vip0), port: Self.vport, proto: .sctp),
                selection: .roundRobin, mode: mode,
                endpoints: [DatapathEndpoint(address: address(Self.endpoint), port: Self.vport, weight: 1)],
                secondaryVIPs: [address(Self.vip1)]))
        return datapath
    }

    // MARK: Packets

    static func ipv6Param(_ address: [UInt8]) -> [UInt8] { be16(6) + be16(20) + address }
    static func ipv4Param(_ address: [UInt8]) -> [UInt8] { be16(5) + be16(8) + address }
    static func padParam(bytes: Int) -> [UInt8] {
        be16(0x8005) + be16(UInt16(4 + bytes)) + [UInt8](repeating: 0, count: bytes)
    }
    /// Supported Address Types (IPv6, IPv4): a parameter the rewrite leaves alone.
    static let supportedTypes: [UInt8] = be16(12) + be16(8) + be16(6) + be16(5)
    static let cookie: [UInt8] = be16(7) + be16(12) + [1, 2, 3, 4, 5, 6, 7, 8]

    static func initChunk(_ type: UInt8, tag: UInt32, params: [UInt8]) -> [UInt8] {
        SCTP.chunk(type, value: be32(tag) + be32(65535) + be16(10) + be16(10) + be32(1) + params)
    }

    func frame(from src: [UInt8], to dst: [UInt8], clientSide: Bool, l4: [UInt8]) -> RawFrame6 {
        RawFrame6(
            srcMAC: clientSide ? Fixture.clientMAC : Fixture.endpointMAC(10),
            dstMAC: clientSide ? Fixture.clientSideMAC : Fixture.serverSideMAC, src: src, dst: dst, nextHeader: 132,
            payload: l4)
    }

    func run(_ datapath: EBPFDatapath, _ frame: RawFrame6, clientSide: Bool) throws -> TestRun.Result {
        try TestRun.run(
            try datapath.programs().ingress, packet: frame.bytes,
            ifindex: clientSide ? Fixture.clientSide : Fixture.serverSide)
    }

    /// The IPv6 addresses and SCTP packet of `frame` (no MACs: a secondary client address has no
    /// neighbour in the fixture namespace).
    func ipAndL4(_ frame: [UInt8]) -> (src: [UInt8], dst: [UInt8], l4: [UInt8]) {
        guard frame.count >= 54 else { return ([], [], []) }
        return (Array(frame[22..<38]), Array(frame[38..<54]), Array(frame[54...]))
    }

    func counter(_ datapath: EBPFDatapath, _ name: String) async throws -> UInt64 {
        try await datapath.packetCounters()[name] ?? 0
    }

    // MARK: Handshake

    /// INIT from client0 listing client0, client1, client2 and an IPv4 address.
    func sendInit(_ datapath: EBPFDatapath) throws -> TestRun.Result {
        let params =
            Self.ipv6Param(Self.client0) + Self.ipv6Param(Self.client1) + Self.ipv6Param(Self.client2)
            + Self.ipv4Param(Self.clientV4) + Self.supportedTypes
        let l4 = SCTP.packet(
            sport: Self.cport, dport: Self.vport, tag: 0,
            chunks: Self.initChunk(SCTP.initChunk, tag: Self.clientTag, params: params))
        return try run(datapath, frame(from: Self.client0, to: Self.vip0, clientSide: true, l4: l4), clientSide: true)
    }

    /// INIT ACK from the endpoint (to `dst`:`dport`) listing its two addresses and an IPv4 one.
    func sendInitAck(_ datapath: EBPFDatapath, dst: [UInt8], dport: UInt16) throws -> TestRun.Result {
        let params =
            Self.ipv6Param(Self.endpoint) + Self.ipv6Param(Self.endpoint2) + Self.ipv4Param([10, 10, 2, 10])
            + Self.cookie
        let l4 = SCTP.packet(
            sport: Self.vport, dport: dport, tag: Self.clientTag,
            chunks: Self.initChunk(SCTP.initAck, tag: Self.endpointTag, params: params))
        return try run(datapath, frame(from: Self.endpoint, to: dst, clientSide: false, l4: l4), clientSide: false)
    }

    /// The INIT ACK the client must receive: the endpoint's addresses replaced by vip1, then vip0.
    func expectedInitAck() -> [UInt8] {
        let params =
            Self.ipv6Param(Self.vip1) + Self.ipv6Param(Self.vip0) + Self.padParam(bytes: 4) + Self.cookie
        return SCTP.packet(
            sport: Self.vport, dport: Self.cport, tag: Self.clientTag,
            chunks: Self.initChunk(SCTP.initAck, tag: Self.endpointTag, params: params))
    }

    /// COOKIE ECHO from the client, COOKIE ACK from the endpoint: the association is established.
    func finishHandshake(_ datapath: EBPFDatapath, endpointSideClient: [UInt8], natPort: UInt16) throws {
        let echo = SCTP.packet(
            sport: Self.cport, dport: Self.vport, tag: Self.endpointTag,
            chunks: SCTP.chunk(SCTP.cookieEcho, value: [1, 2, 3, 4, 5, 6, 7, 8]))
        let out = try run(
            datapath, frame(from: Self.client0, to: Self.vip0, clientSide: true, l4: echo), clientSide: true)
        #expect(out.verdict == Verdict.redirect)
        let ack = SCTP.packet(
            sport: Self.vport, dport: natPort, tag: Self.clientTag, chunks: SCTP.chunk(11, value: []))
        let back = try run(
            datapath, frame(from: Self.endpoint, to: endpointSideClient, clientSide: false, l4: ack),
            clientSide: false)
        #expect(back.verdict == Verdict.redirect)
    }

    func establish(_ datapath: EBPFDatapath) throws {
        _ = try sendInit(datapath)
        _ = try sendInitAck(datapath, dst: Self.client0, dport: Self.cport)
        try finishHandshake(datapath, endpointSideClient: Self.client0, natPort: Self.cport)
    }

    // MARK: Default mode

    @Test func defaultModeInitKeepsClientAddressesPadsIPv4AndTracksEveryPath() async throws {
        let datapath = try await datapath(mode: .dnat)
        let out = try sendInit(datapath)
        #expect(out.verdict == Verdict.redirect)
        // client1 pairs with vip1; client2 has no VIP left and becomes client0; IPv4 becomes PAD.
        let params =
            Self.ipv6Param(Self.client0) + Self.ipv6Param(Self.client1) + Self.ipv6Param(Self.client0)
            + Self.padParam(bytes: 4) + Self.supportedTypes
        var expected = RawFrame6(
            srcMAC: Fixture.serverSideMAC, dstMAC: Fixture.endpointMAC(10), src: Self.client0, dst: Self.endpoint,
            nextHeader: 132,
            payload: SCTP.packet(
                sport: Self.cport, dport: Self.vport, tag: 0,
                chunks: Self.initChunk(SCTP.initChunk, tag: Self.clientTag, params: params)))
        expected.hopLimit = 63
        #expect(out.packet == expected.bytes)
        #expect(SCTP.valid6(out.packet))

        let flows = try await datapath.connections()
        #expect(flows.count == 2)
        let secondary = flows.first { $0.clientAddress == address(Self.client1) }
        #expect(secondary?.serviceAddress == address(Self.vip1))
        #expect(secondary?.endpointAddress == address(Self.endpoint))
        #expect(secondary?.clientPort == Self.cport && secondary?.servicePort == Self.vport)
        #expect(try await counter(datapath, "sctp_mh_path") == 1)
        #expect(try await counter(datapath, "sctp_mh_rewrite") == 1)

        let back = try sendInitAck(datapath, dst: Self.client0, dport: Self.cport)
        #expect(back.verdict == Verdict.redirect)
        let seen = ipAndL4(back.packet)
        #expect(seen.src == Self.vip0 && seen.dst == Self.client0)
        #expect(seen.l4 == expectedInitAck())
        #expect(SCTP.valid6(back.packet))
        #expect(try await counter(datapath, "sctp_mh_rewrite") == 2)

        try finishHandshake(datapath, endpointSideClient: Self.client0, natPort: Self.cport)
        let established = try await datapath.connections()
        #expect(established.count == 2 && established.allSatisfy { $0.state == "est" })
    }

    @Test func defaultModeSecondaryPathCarriesHeartbeatAndDataToTheSameEndpoint() async throws {
        let datapath = try await datapath(mode: .dnat)
        try establish(datapath)

        // The primary path is cut: client1 -> vip1 carries a HEARTBEAT, then DATA.
        let heartbeat = SCTP.packet(
            sport: Self.cport, dport: Self.vport, tag: Self.endpointTag,
            chunks: SCTP.chunk(4, value: be16(1) + be16(12) + [9, 9, 9, 9, 9, 9, 9, 9]))
        let data = SCTP.packet(
            sport: Self.cport, dport: Self.vport, tag: Self.endpointTag, chunks: SCTP.dataChunk([1, 2, 3]))
        for l4 in [heartbeat, data] {
            let out = try run(
                datapath, frame(from: Self.client1, to: Self.vip1, clientSide: true, l4: l4), clientSide: true)
            #expect(out.verdict == Verdict.redirect)
            let seen = ipAndL4(out.packet)
            #expect(seen.src == Self.client1 && seen.dst == Self.endpoint)
            #expect(seen.l4 == l4)
            #expect(SCTP.valid6(out.packet))
        }
        // The endpoint answers on that path: from vip1, with the client's tag.
        let ack = SCTP.packet(
            sport: Self.vport, dport: Self.cport, tag: Self.clientTag,
            chunks: SCTP.chunk(5, value: be16(1) + be16(12) + [9, 9, 9, 9, 9, 9, 9, 9]))
        let back = try run(
            datapath, frame(from: Self.endpoint, to: Self.client1, clientSide: false, l4: ack), clientSide: false)
        #expect(back.verdict != Verdict.shot)
        let seen = ipAndL4(back.packet)
        #expect(seen.src == Self.vip1 && seen.dst == Self.client1 && seen.l4 == ack)
        // A wrong tag on the secondary path is dropped like on the primary one.
        let forged = SCTP.packet(sport: Self.cport, dport: Self.vport, tag: 0xdead, chunks: SCTP.dataChunk([1]))
        let dropped = try run(
            datapath, frame(from: Self.client1, to: Self.vip1, clientSide: true, l4: forged), clientSide: true)
        #expect(dropped.verdict == Verdict.shot)
    }

    @Test func abortOnTheSecondaryPathClosesEveryPath() async throws {
        let datapath = try await datapath(mode: .dnat)
        try establish(datapath)
        let abort = SCTP.packet(
            sport: Self.cport, dport: Self.vport, tag: Self.endpointTag, chunks: SCTP.chunk(6, value: []))
        _ = try run(datapath, frame(from: Self.client1, to: Self.vip1, clientSide: true, l4: abort), clientSide: true)
        let flows = try await datapath.connections()
        #expect(flows.count == 2)
        #expect(flows.allSatisfy { $0.state == "closed" })
    }

    @Test func shutdownCompleteFromTheEndpointClosesEveryPath() async throws {
        let datapath = try await datapath(mode: .dnat)
        try establish(datapath)
        let complete = SCTP.packet(
            sport: Self.vport, dport: Self.cport, tag: Self.clientTag, chunks: SCTP.chunk(14, value: []))
        let out = try run(
            datapath, frame(from: Self.endpoint, to: Self.client0, clientSide: false, l4: complete), clientSide: false)
        #expect(out.verdict == Verdict.redirect)
        let flows = try await datapath.connections()
        #expect(flows.count == 2)
        #expect(flows.allSatisfy { $0.state == "closed" })
    }

    @Test func asconfIsDroppedAndCounted() async throws {
        let datapath = try await datapath(mode: .dnat)
        try establish(datapath)
        // ASCONF adding an IPv6 address (RFC 5061 type 0xC001), alone and behind an AUTH chunk.
        let addIP = be32(1) + be16(0xC001) + be16(28) + be32(7) + Self.ipv6Param(Fixture.ip6("fd00:10:1::9"))
        let asconf = SCTP.chunk(0xC1, value: addIP)
        let auth = SCTP.chunk(15, value: be16(0) + be16(1) + [UInt8](repeating: 0xab, count: 20))
        for chunks in [asconf, auth + asconf] {
            let l4 = SCTP.packet(sport: Self.cport, dport: Self.vport, tag: Self.endpointTag, chunks: chunks)
            let out = try run(
                datapath, frame(from: Self.client0, to: Self.vip0, clientSide: true, l4: l4), clientSide: true)
            #expect(out.verdict == Verdict.shot)
        }
        #expect(try await counter(datapath, "drop_sctp_asconf") == 2)
        // The association goes on.
        let data = SCTP.packet(
            sport: Self.cport, dport: Self.vport, tag: Self.endpointTag, chunks: SCTP.dataChunk([1, 2, 3]))
        let out = try run(
            datapath, frame(from: Self.client0, to: Self.vip0, clientSide: true, l4: data), clientSide: true)
        #expect(out.verdict == Verdict.redirect)
    }

    // MARK: Full NAT

    @Test func fullNATInitShowsTheEndpointOnlyVIPsAndTheSecondaryPathLeavesFromItsVIP() async throws {
        let datapath = try await datapath(mode: .fullNAT)
        let out = try sendInit(datapath)
        #expect(out.verdict == Verdict.redirect)
        let seen = ipAndL4(out.packet)
        #expect(seen.src == Self.vip0 && seen.dst == Self.endpoint)
        let natPort = UInt16(seen.l4[0]) << 8 | UInt16(seen.l4[1])
        // client0 (the source) -> vip0, client1 -> vip1 (path 1), client2 -> vip0 (no VIP left), IPv4 -> PAD.
        let params =
            Self.ipv6Param(Self.vip0) + Self.ipv6Param(Self.vip1) + Self.ipv6Param(Self.vip0)
            + Self.padParam(bytes: 4) + Self.supportedTypes
        let expected = SCTP.packet(
            sport: natPort, dport: Self.vport, tag: 0,
            chunks: Self.initChunk(SCTP.initChunk, tag: Self.clientTag, params: params))
        #expect(seen.l4 == expected)
        #expect(SCTP.valid6(out.packet))

        let back = try sendInitAck(datapath, dst: Self.vip0, dport: natPort)
        #expect(back.verdict == Verdict.redirect)
        let reply = ipAndL4(back.packet)
        #expect(reply.src == Self.vip0 && reply.dst == Self.client0)
        #expect(reply.l4 == expectedInitAck())
        #expect(SCTP.valid6(back.packet))

        try finishHandshake(datapath, endpointSideClient: Self.vip0, natPort: natPort)
        let flows = try await datapath.connections()
        #expect(flows.count == 2 && flows.allSatisfy { $0.state == "est" })
        // Path 1: client1 -> vip1 reaches the endpoint from vip1 with the same port.
        let data = SCTP.packet(
            sport: Self.cport, dport: Self.vport, tag: Self.endpointTag, chunks: SCTP.dataChunk([5]))
        let path = try run(
            datapath, frame(from: Self.client1, to: Self.vip1, clientSide: true, l4: data), clientSide: true)
        let sent = ipAndL4(path.packet)
        #expect(path.verdict == Verdict.redirect)
        #expect(sent.src == Self.vip1 && sent.dst == Self.endpoint)
        #expect(Array(sent.l4[0..<2]) == be16(natPort))
        #expect(SCTP.valid6(path.packet))
        // The endpoint's reply on path 1 goes back to client1 from vip1.
        let reply1 = SCTP.packet(
            sport: Self.vport, dport: natPort, tag: Self.clientTag, chunks: SCTP.chunk(3, value: be32(1) + be32(1000)))
        let back1 = try run(
            datapath, frame(from: Self.endpoint, to: Self.vip1, clientSide: false, l4: reply1), clientSide: false)
        #expect(back1.verdict != Verdict.shot)
        let got = ipAndL4(back1.packet)
        #expect(got.src == Self.vip1 && got.dst == Self.client1)
        #expect(Array(got.l4[2..<4]) == be16(Self.cport))
        #expect(SCTP.valid6(back1.packet))
    }

    @Test func singleHomedIPv6SCTPServiceIsLeftAlone() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(
            DatapathService(
                id: 6, key: ServiceKey(vip: address(Self.vip0), port: Self.vport, proto: .sctp),
                selection: .roundRobin, mode: .dnat,
                endpoints: [DatapathEndpoint(address: address(Self.endpoint), port: Self.vport, weight: 1)]))
        let out = try sendInit(datapath)
        #expect(out.verdict == Verdict.redirect)
        let params =
            Self.ipv6Param(Self.client0) + Self.ipv6Param(Self.client1) + Self.ipv6Param(Self.client2)
            + Self.ipv4Param(Self.clientV4) + Self.supportedTypes
        #expect(
            ipAndL4(out.packet).l4
                == SCTP.packet(
                    sport: Self.cport, dport: Self.vport, tag: 0,
                    chunks: Self.initChunk(SCTP.initChunk, tag: Self.clientTag, params: params)))
        #expect(try await counter(datapath, "sctp_mh_rewrite") == 0)
        #expect(try await datapath.connections().count == 1)
    }
}
