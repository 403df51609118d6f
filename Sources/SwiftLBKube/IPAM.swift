import SwiftLBCore

/// VIP allocation for Services, kube-loxilb's way: shared mode (the default) lets services share
/// an address when their ports and protocols differ; unique mode (`--setUniqueIP`) gives each
/// service addresses of its own. Pure state, rebuilt after a restart from the Services' status.
public struct IPAM: Sendable {
    /// A service port as the VIP sees it.
    public struct PortKey: Hashable, Sendable, Comparable {
        public let port: Int
        public let proto: String
        public init(port: Int, proto: String) {
            self.port = port
            self.proto = proto.lowercased()
        }
        public static func < (a: PortKey, b: PortKey) -> Bool { (a.port, a.proto) < (b.port, b.proto) }
    }

    /// What a service asks for.
    public struct Request: Sendable, Equatable {
        /// One address per family, IPv4 first when both.
        public var families: [IPFamily]
        public var ports: Set<PortKey>
        /// `loxilb.io/poolSelect`: the pool to take from instead of the family's first.
        public var pool: String?
        /// `spec.loadBalancerIP` / `loxilb.io/staticIP`: these addresses and no others.
        public var staticAddresses: [IPAddress]
        /// Addresses the service had (its status): kept when still allowed, so that a restart or
        /// an unrelated change never moves a VIP.
        public var current: [IPAddress]

        public init(
            families: [IPFamily], ports: Set<PortKey>, pool: String? = nil, staticAddresses: [IPAddress] = [],
            current: [IPAddress] = []
        ) {
            self.families = families
            self.ports = ports
            self.pool = pool
            self.staticAddresses = staticAddresses
            self.current = current
        }
    }

    public enum IPFamily: String, Sendable, Equatable, CaseIterable {
        case v4 = "IPv4"
        case v6 = "IPv6"
    }

    /// Why a service got no address; `reason` is the Event's reason.
    public struct AllocationError: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public let description: String
    }

    public let pools: [VIPPool]
    public let unique: Bool
    /// Who holds each address, and for which ports.
    private var holders: [IPAddress: [String: Set<PortKey>]] = [:]
    private var owned: [String: [IPAddress]] = [:]

    public init(pools: [VIPPool], unique: Bool) {
        self.pools = pools
        self.unique = unique
    }

    /// The addresses `service` holds.
    public func addresses(of service: String) -> [IPAddress] { owned[service] ?? [] }

    /// How many addresses are held by anyone.
    public var heldCount: Int { holders.count }

    /// Gives `service` one address per requested family, keeping what it holds when allowed.
    /// On error nothing changes.
    public mutating func assign(_ service: String, _ request: Request) throws(AllocationError) -> [IPAddress] {
        let previous = owned[service] ?? []
        let previousPorts = previous.map { holders[$0]?[service] ?? [] }
        release(service)
        var chosen: [IPAddress] = []
        do {
            for family in request.families {
                let address = try choose(family, for: request, keeping: previous)
                holders[address, default: [:]][service] = request.ports
                chosen.append(address)
                owned[service] = chosen
            }
        } catch {
            release(service)
            for (address, ports) in zip(previous, previousPorts) { holders[address, default: [:]][service] = ports }
            if !previous.isEmpty { owned[service] = previous }
            throw error
        }
        owned[service] = chosen
        return chosen
    }

    /// Frees every address of `service`.
    public mutating func release(_ service: String) {
        for address in owned.removeValue(forKey: service) ?? [] {
            holders[address]?[service] = nil
            if holders[address]?.isEmpty == true { holders[address] = nil }
        }
    }

    private func choose(_ family: IPFamily, for request: Request, keeping previous: [IPAddress]) throws(AllocationError)
        -> IPAddress
    {
        let isV4 = family == .v4
        let statics = request.staticAddresses.filter { $0.isV4 == isV4 }
        if let wanted = statics.first {
            guard fits(wanted, request.ports) else {
                throw AllocationError(
                    reason: "IPInUse",
                    description: "static address \(wanted) is already used by "
                        + (holders[wanted]?.keys.sorted().joined(separator: ", ") ?? "another service")
                        + (unique ? " (unique IP mode)" : " on the same port"))
            }
            return wanted
        }
        let pool = try selectPool(family, name: request.pool)
        for address in (request.current + previous) where pool.contains(address) && fits(address, request.ports) {
            return address
        }
        // Lowest first: at most one step per held address before a free one.
        var number = pool.first
        while true {
            let address = pool.address(number)
            if fits(address, request.ports) { return address }
            guard number < pool.last else { break }
            number += 1
        }
        throw AllocationError(
            reason: "PoolExhausted",
            description: "pool \(pool.name) (\(pool)) has no free \(family.rawValue) address"
                + (unique ? "" : " for these ports"))
    }

    private func selectPool(_ family: IPFamily, name: String?) throws(AllocationError) -> VIPPool {
        let ofFamily = pools.filter { $0.isV4 == (family == .v4) }
        if let name {
            guard let pool = ofFamily.first(where: { $0.name == name }) else {
                throw AllocationError(reason: "PoolNotFound", description: "no \(family.rawValue) pool named \(name)")
            }
            return pool
        }
        guard let pool = ofFamily.first else {
            throw AllocationError(
                reason: "PoolNotFound",
                description:
                    "no \(family.rawValue) pool is configured (--\(family == .v4 ? "cidrPools" : "cidr6Pools"))")
        }
        return pool
    }

    private func fits(_ address: IPAddress, _ ports: Set<PortKey>) -> Bool {
        guard let users = holders[address], !users.isEmpty else { return true }
        if unique { return false }
        return users.values.allSatisfy { $0.isDisjoint(with: ports) }
    }
}
