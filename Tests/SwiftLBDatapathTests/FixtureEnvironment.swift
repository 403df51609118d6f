import BPFLoader
import Foundation
import PacketTestSupport
import SwiftLBCore
import SwiftLBDatapath

/// The prepared network namespace the datapath fixtures run in (scripts/fixture-netns.sh):
/// dummy interfaces with fixed MACs, routes and permanent neighbours, so FIB lookups in the
/// programs give the same answer on every machine.
enum Fixture {
    /// True inside the namespace the fixture script prepared (root, SWIFTLB_FIXTURE_NETNS=1).
    static let enabled = ProcessInfo.processInfo.environment["SWIFTLB_FIXTURE_NETNS"] == "1"

    // Must match scripts/fixture-netns.sh.
    static let clientSideMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x01]  // fx0
    static let serverSideMAC: [UInt8] = [0x02, 0, 0, 0, 0x01, 0x01]  // fx1
    static let clientMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x02]
    static func endpointMAC(_ last: UInt8) -> [UInt8] { [0x02, 0, 0, 0, 0x01, last] }

    static let client: (UInt8, UInt8, UInt8, UInt8) = (10, 10, 1, 2)
    static let vip: (UInt8, UInt8, UInt8, UInt8) = (10, 10, 100, 1)
    static func endpoint(_ last: UInt8) -> (UInt8, UInt8, UInt8, UInt8) { (10, 10, 2, last) }

    static var clientSide: Int32 { NetworkInterface.index(of: "fx0") ?? 0 }
    static var serverSide: Int32 { NetworkInterface.index(of: "fx1") ?? 0 }

    /// A fresh, unpinned datapath with one service VIP:80/proto (in NAT `mode`) -> endpoints .10, .11, .12 port 8080;
    /// its conntrack table sized for `conntrackEntries` (nil: the default).
    static func datapath(
        proto: L4Protocol = .tcp, selection: SelectionAlgorithm = .roundRobin, mode: NATMode = .dnat,
        endpoints: [UInt8] = [10, 11, 12], conntrackEntries: UInt32? = nil
    ) async throws -> EBPFDatapath {
        let datapath = try EBPFDatapath(pinRoot: nil, conntrackEntries: conntrackEntries)
        let service = DatapathService(
            id: 7, key: ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: proto), selection: selection, mode: mode,
            endpoints: endpoints.map { DatapathEndpoint(address: .v4(0x0a0a_0200 | UInt32($0)), port: 8080, weight: 1) }
        )
        try await datapath.upsert(service)
        return datapath
    }

    // IPv6 (scripts/fixture-netns.sh): client fd00:10:1::2 on fx0 (fd00:10:1::1), endpoints fd00:10:2::a/b/c on
    // fx1 (fd00:10:2::1), VIP fd00:10:100::1 on no interface.
    static func ip6(_ text: String) -> [UInt8] {
        guard case .v6(let bytes) = IPAddress(text) else { preconditionFailure("\(text) is not IPv6") }
        return bytes
    }
    static let client6 = ip6("fd00:10:1::2")
    static let vip6 = ip6("fd00:10:100::1")
    static let fx1Address6 = ip6("fd00:10:2::1")
    static func endpoint6(_ last: UInt8) -> [UInt8] { ip6("fd00:10:2::\(String(last, radix: 16))") }

    /// A fresh, unpinned datapath with one IPv6 service [VIP6]:80/proto in NAT `mode` -> endpoints port 8080:
    /// fd00:10:2::`last` (NAT66), or 10.10.2.`last` when `nat64`.
    static func datapath6(
        proto: L4Protocol = .tcp, mode: NATMode = .dnat, endpoints: [UInt8] = [10, 11, 12], nat64: Bool = false,
        selection: SelectionAlgorithm = .roundRobin
    ) async throws -> EBPFDatapath {
        let datapath = try EBPFDatapath(pinRoot: nil)
        let service = DatapathService(
            id: 9, key: ServiceKey(vip: .v6(vip6), port: 80, proto: proto), selection: selection, mode: mode,
            endpoints: endpoints.map {
                DatapathEndpoint(
                    address: nat64 ? .v4(0x0a0a_0200 | UInt32($0)) : .v6(endpoint6($0)), port: 8080, weight: 1)
            })
        try await datapath.upsert(service)
        return datapath
    }

    /// An IPv6 packet from the client to the VIP.
    static func toVIP6(proto: UInt8 = 6, sport: UInt16 = 40000, dport: UInt16 = 80, flags: UInt8 = TCPFlags.syn)
        -> Packet6
    {
        Packet6(
            srcMAC: clientMAC, dstMAC: clientSideMAC, src: client6, dst: vip6, proto: proto, sport: sport,
            dport: dport, tcpFlags: flags)
    }

    /// A packet from the client to the VIP.
    static func toVIP(proto: UInt8 = 6, sport: UInt16 = 40000, dport: UInt16 = 80, flags: UInt8 = TCPFlags.syn)
        -> Packet
    {
        Packet(
            srcMAC: clientMAC, dstMAC: clientSideMAC, src: client, dst: vip, proto: proto, sport: sport,
            dport: dport, tcpFlags: flags)
    }

    /// The ingress program's verdict on a TCP packet from the client's port `sport` to VIP:80.
    static func clientVerdict(_ datapath: EBPFDatapath, sport: UInt16, flags: UInt8) throws -> UInt32 {
        try TestRun.run(
            try datapath.programs().ingress, packet: toVIP(sport: sport, flags: flags).bytes, ifindex: clientSide
        ).verdict
    }
}

/// TC verdicts.
enum Verdict {
    static let ok: UInt32 = 0
    static let shot: UInt32 = 2
    static let redirect: UInt32 = 7
}
