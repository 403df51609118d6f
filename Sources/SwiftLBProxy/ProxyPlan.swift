import SwiftLBCore

/// Where the proxy listens: a VIP and a TCP port.
public struct ListenerAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String { address.isV4 ? "\(address):\(port)" : "[\(address)]:\(port)" }

    public static func < (lhs: ListenerAddress, rhs: ListenerAddress) -> Bool {
        (lhs.address, lhs.port) < (rhs.address, rhs.port)
    }
}

/// What the proxy serves for one version of the desired state: a routing table per listener,
/// built from the fullproxy rules (each VIP of a rule, its secondary IPs included).
public enum ProxyPlan {
    /// The listeners and their routes for `rules` (other modes are ignored).
    public static func listeners(for rules: [LBRule]) -> [ListenerAddress: RoutingTable] {
        var routes: [ListenerAddress: [ProxyRoute]] = [:]
        for rule in rules where rule.mode == .fullProxy {
            let route = ProxyRoute(rule: rule)
            for vip in [rule.key.vip] + rule.secondaryVIPs {
                routes[ListenerAddress(address: vip, port: rule.key.port), default: []].append(route)
            }
        }
        return routes.mapValues { RoutingTable(routes: $0) }
    }
}
