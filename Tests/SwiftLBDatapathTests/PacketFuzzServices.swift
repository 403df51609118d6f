import SwiftLBCore

/// The services the fuzz datapath holds: every NAT mode the datapath implements, in IPv4, IPv6 and NAT64 (an IPv6 VIP
/// with IPv4 endpoints), DSR to on-link endpoints (MAC rewrite) and to routed ones (IPIP, IPv6-in-IPv6), and the
/// services that refuse new flows (no endpoints, inactive endpoints, a source allow-list), and services whose idle TCP
/// flows are reset after one second (port 87). Addresses follow scripts/fixture-netns.sh; the generator aims most
/// packets at these VIPs and ports.
enum PacketFuzzServices {
    static let vip4: [UInt8] = [10, 10, 100, 1]
    static let vip6 = Fixture.vip6
    /// The NAT64 VIP: IPv6, its endpoints IPv4.
    static let nat64VIP = Fixture.ip6("fd00:10:100::2")
    /// Behind 10.10.2.10 and fd00:10:2::a (routed, not on-link): L3 DSR endpoints.
    static let routed4: [UInt8] = [10, 10, 3, 5]
    static let routed6 = Fixture.ip6("fd00:10:3::5")
    /// The only sources the allow-listed services (port 86) accept.
    static let allowed4: [UInt8] = [10, 10, 9, 7]
    static let allowed6 = Fixture.ip6("fd00:10:9::7")
    /// The load balancer's own addresses on fx1 and fx0 (NAT64, onearm and ICMP sources).
    static let lbAddresses4: [[UInt8]] = [[10, 10, 2, 1], [10, 10, 1, 1]]
    static let lbAddresses6 = [Fixture.fx1Address6, Fixture.ip6("fd00:10:1::1")]
    static let endpoints4: [[UInt8]] = [10, 11, 12].map { [10, 10, 2, $0] }
    static let endpoints6: [[UInt8]] = [10, 11, 12].map { Fixture.endpoint6($0) }
    /// The services whose established TCP flows are reset after a second of silence (port 87).
    static let idleResetIDs: Set<UInt32> = [14, 29, 35]
    /// Every service port, the ends of the 90-99 range included.
    static let ports: [UInt16] = [80, 81, 82, 83, 84, 85, 86, 87, 90, 95, 99]

    static func address(_ bytes: [UInt8]) -> IPAddress {
        bytes.count == 4 ? .v4(bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }) : .v6(bytes)
    }

    static var all: [DatapathService] { ipv4Services + ipv6Services + nat64Services }

    static var ipv4Services: [DatapathService] {
        let ep = endpoints4
        return [
            service(1, vip4, 80, .tcp, .dnat, ep.map { ($0, 8080) }),
            service(2, vip4, 80, .udp, .fullNAT, [(ep[0], 8080)]),
            service(3, vip4, 80, .sctp, .oneArm, [(ep[1], 8080)]),
            service(4, vip4, 81, .tcp, .dsr, [(ep[2], 81)]),
            service(5, vip4, 82, .udp, .dsr, [(routed4, 82)]),
            service(6, vip4, 83, .tcp, .dsr, [(routed4, 83)]),
            service(7, vip4, 83, .sctp, .dsr, [(ep[0], 83)]),
            service(8, vip4, 84, .tcp, .oneArm, [(ep[0], 8080), (ep[1], 8080)]),
            service(9, vip4, 85, .udp, .dnat, []),
            service(10, vip4, 86, .tcp, .dnat, [(ep[2], 8080)], allowed: "10.10.9.0/24"),
            // A port range whose endpoint port 0 keeps the port the client asked for.
            service(11, vip4, 90, .tcp, .fullNAT, [(ep[0], 0)], portMax: 99),
            service(12, vip4, 0, .icmp, .dnat, [(ep[0], 0)]),
            service(13, vip4, 84, .udp, .dnat, [(ep[1], 8080)], active: false),
            service(14, vip4, 87, .tcp, .dnat, [(ep[1], 8080)], idle: 1),
        ]
    }

    static var ipv6Services: [DatapathService] {
        let ep = endpoints6
        return [
            service(20, vip6, 80, .tcp, .dnat, ep.map { ($0, 8080) }),
            service(21, vip6, 80, .udp, .fullNAT, [(ep[0], 8080)]),
            service(22, vip6, 80, .sctp, .oneArm, [(ep[1], 8080)]),
            service(23, vip6, 81, .tcp, .dsr, [(ep[2], 81)]),
            service(24, vip6, 82, .udp, .dsr, [(routed6, 82)]),
            service(25, vip6, 83, .tcp, .dsr, [(routed6, 83)]),
            service(26, vip6, 84, .tcp, .oneArm, [(ep[0], 8080)]),
            service(27, vip6, 85, .udp, .dnat, []),
            service(28, vip6, 86, .tcp, .dnat, [(ep[2], 8080)], allowed: "fd00:10:9::/64"),
            service(29, vip6, 87, .tcp, .fullNAT, [(ep[1], 8080)], idle: 1),
        ]
    }

    static var nat64Services: [DatapathService] {
        let ep = endpoints4
        return [
            service(30, nat64VIP, 80, .tcp, .dnat, [(ep[0], 8080)]),
            service(31, nat64VIP, 80, .udp, .fullNAT, [(ep[1], 8080)]),
            service(32, nat64VIP, 80, .sctp, .oneArm, [(ep[2], 8080)]),
            // DSR across families, which the control plane refuses: the datapath must refuse it too.
            service(33, nat64VIP, 81, .tcp, .dsr, [(ep[0], 81)]),
            service(34, nat64VIP, 84, .tcp, .oneArm, [(ep[1], 8080)]),
            // An idle reset of a NAT64 flow sends its RSTs in both families.
            service(35, nat64VIP, 87, .tcp, .dnat, [(ep[2], 8080)], idle: 1),
        ]
    }

    private static func service(
        _ id: UInt32, _ vip: [UInt8], _ port: UInt16, _ proto: L4Protocol, _ mode: NATMode,
        _ endpoints: [([UInt8], UInt16)], portMax: UInt16 = 0, allowed: String? = nil, active: Bool = true,
        idle: UInt32 = 0
    ) -> DatapathService {
        // DSR keeps the client's tuple, so the control plane allows it with hash selection only.
        DatapathService(
            id: id, key: ServiceKey(vip: address(vip), port: port, proto: proto),
            selection: mode == .dsr ? .hash : .roundRobin, mode: mode, inactiveTimeout: idle,
            endpoints: endpoints.map {
                DatapathEndpoint(address: address($0.0), port: $0.1, weight: 1, active: active)
            }, portMax: portMax, allowedSources: allowed.flatMap(IPPrefix.init).map { [$0] } ?? [])
    }
}
