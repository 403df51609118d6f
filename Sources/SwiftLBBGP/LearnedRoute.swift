import SwiftLBCore

/// A route learned from a BGP peer (gobgpd's best path for a prefix), as installed into the kernel.
public struct LearnedRoute: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The network address (host bits zero).
    public var network: IPAddress
    /// The prefix length.
    public var length: Int
    /// Next hops, sorted; more than one makes an ECMP route.
    public var nextHops: [IPAddress]

    /// Creates a route; next hops are sorted and deduplicated.
    public init(network: IPAddress, length: Int, nextHops: [IPAddress]) {
        self.network = network
        self.length = length
        self.nextHops = Array(Set(nextHops)).sorted()
    }

    /// "10.1.0.0/24".
    public var prefix: String { "\(network)/\(length)" }

    /// "10.1.0.0/24 via 10.2.0.1,10.3.0.1".
    public var description: String { "\(prefix) via \(nextHops.map(\.description).joined(separator: ","))" }

    /// Parses "10.1.0.0/24" or "2001:db8::/32"; a bare address is a host route. Nil for anything else
    /// (a length out of range, "default" is handled by the caller).
    public static func parsePrefix(_ text: String) -> (network: IPAddress, length: Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(String(parts[0])) else { return nil }
        let maxLength = address.isV4 ? 32 : 128
        guard parts.count == 2 else { return (address, maxLength) }
        guard let length = Int(parts[1]), (0...maxLength).contains(length) else { return nil }
        return (address, length)
    }

    public static func < (lhs: LearnedRoute, rhs: LearnedRoute) -> Bool {
        (lhs.network, lhs.length) < (rhs.network, rhs.length)
    }
}

/// The pure part of installing learned routes: what to change in the kernel to match gobgpd's RIB.
public enum KernelRoutePlanner {
    /// Routes to remove (installed by us, no longer learned, or with other next hops) and routes to
    /// add or replace. Prefixes in `excluded` (the VIPs SwiftLB announces itself) are never installed,
    /// so a VIP reflected back by a peer cannot pull the VIP's own traffic away.
    public static func changes(
        installed: [LearnedRoute], learned: [LearnedRoute], excluded: Set<String>
    ) -> (remove: [LearnedRoute], replace: [LearnedRoute]) {
        let wanted = learned.filter { !excluded.contains($0.prefix) && !$0.nextHops.isEmpty }
        let wantedByPrefix = Dictionary(wanted.map { ($0.prefix, $0) }, uniquingKeysWith: { first, _ in first })
        let installedByPrefix = Dictionary(installed.map { ($0.prefix, $0) }, uniquingKeysWith: { first, _ in first })
        let remove = installed.filter { wantedByPrefix[$0.prefix] == nil }
        let replace = wantedByPrefix.values.filter { installedByPrefix[$0.prefix] != $0 }
        return (remove.sorted(), replace.sorted())
    }
}
