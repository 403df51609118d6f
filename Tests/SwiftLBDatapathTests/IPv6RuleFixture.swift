import BPFLoader
import PacketTestSupport
import SwiftLBCore
import SwiftLBDatapath

/// The IPv6 service of the fixture ([VIP6]:80 -> port 8080 of endpoint 10, id 9) as the IPv6 policer and
/// mirror fixtures use it: NAT66 (default mode) or NAT64, with the packets each direction must leave as, built
/// field by field here (checksums computed by PacketTestSupport), never read back from the program.
struct IPv6RuleFixture {
    /// The service id `Fixture.datapath6` gives the IPv6 service.
    static let serviceID: UInt32 = 9
    /// fx1's IPv4 address: NAT64 flows leave from it.
    static let lbAddress: (UInt8, UInt8, UInt8, UInt8) = (10, 10, 2, 1)

    let nat64: Bool
    let datapath: EBPFDatapath

    /// A fresh datapath with the IPv6 service for `proto`, its endpoints IPv4 when `nat64`.
    init(nat64: Bool, proto: L4Protocol = .udp) async throws {
        self.nat64 = nat64
        datapath = try await Fixture.datapath6(proto: proto, endpoints: [10], nat64: nat64)
        if nat64 { try datapath.syncInterfaceAddresses() }
    }

    /// The ingress program's result for `bytes` arriving on `ifindex`.
    func run(_ bytes: [UInt8], on ifindex: Int32 = Fixture.clientSide) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: bytes, ifindex: ifindex)
    }

    /// A packet of `size` bytes on the wire from the client's `sport` to the VIP, with traffic class `tc`.
    static func request(proto: UInt8 = 17, size: Int = 1000, sport: UInt16 = 40000, tc: UInt8 = 0, flags: UInt8 = 0)
        -> Packet6
    {
        var packet = Fixture.toVIP6(proto: proto, sport: sport, dport: 80, flags: flags)
        packet.payload = Array(repeating: 0xab, count: size - 14 - 40 - (proto == 6 ? 20 : 8))
        packet.trafficClass = tc
        return packet
    }

    /// The source port a translated request left with (NAT64 allocates one; NAT66 keeps the client's).
    func sourcePort(_ output: [UInt8]) -> UInt16 {
        let offset = nat64 ? 34 : 54
        return UInt16(output[offset]) << 8 | UInt16(output[offset + 1])
    }

    /// `request` as it must leave toward endpoint 10 with TOS / traffic class `tc`: NAT66 keeps the source,
    /// NAT64 leaves from the LB's IPv4 address and `port` with IPv4 ID `id` (the flow's packet count).
    func out(_ request: Packet6, tc: UInt8, port: UInt16, id: UInt16) -> [UInt8] {
        guard nat64 else {
            var expected = request
            (expected.dst, expected.dport, expected.hopLimit, expected.trafficClass) =
                (Fixture.endpoint6(10), 8080, 63, tc)
            (expected.srcMAC, expected.dstMAC) = (Fixture.serverSideMAC, Fixture.endpointMAC(10))
            return expected.bytes
        }
        var expected = Packet(
            srcMAC: Fixture.serverSideMAC, dstMAC: Fixture.endpointMAC(10), src: Self.lbAddress,
            dst: Fixture.endpoint(10), proto: request.proto, sport: port, dport: 8080, tcpFlags: request.tcpFlags)
        (expected.ttl, expected.tos, expected.seq, expected.payload) = (63, tc, request.seq, request.payload)
        expected.dontFragment = 20 + request.bytes.count - 54 > 1260
        expected.ipID = expected.dontFragment ? 0 : id
        return expected.bytes
    }

    /// The reply of endpoint 10 to a request that left with source port `port`: IPv6 for NAT66, IPv4 for NAT64.
    func reply(proto: UInt8 = 17, port: UInt16, size: Int = 1000, tc: UInt8 = 0, flags: UInt8 = 0) -> [UInt8] {
        let payload = Array(repeating: UInt8(0xcd), count: size - 14 - (nat64 ? 20 : 40) - (proto == 6 ? 20 : 8))
        guard nat64 else {
            var reply = Packet6(
                srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint6(10),
                dst: Fixture.client6, proto: proto, sport: 8080, dport: port, tcpFlags: flags)
            (reply.trafficClass, reply.payload) = (tc, payload)
            return reply.bytes
        }
        var reply = Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
            dst: Self.lbAddress, proto: proto, sport: 8080, dport: port, tcpFlags: flags)
        (reply.tos, reply.payload) = (tc, payload)
        return reply.bytes
    }

    /// A reply (from `reply`) as it must reach the client [`clientPort`] from [VIP6]:80, with traffic class `tc`.
    func back(proto: UInt8 = 17, clientPort: UInt16, size: Int = 1000, tc: UInt8, flags: UInt8 = 0) -> [UInt8] {
        var expected = Packet6(
            srcMAC: Fixture.clientSideMAC, dstMAC: Fixture.clientMAC, src: Fixture.vip6, dst: Fixture.client6,
            proto: proto, sport: 80, dport: clientPort, tcpFlags: flags)
        (expected.hopLimit, expected.trafficClass) = (63, tc)
        expected.payload = Array(repeating: 0xcd, count: size - 14 - (nat64 ? 20 : 40) - (proto == 6 ? 20 : 8))
        return expected.bytes
    }
}
