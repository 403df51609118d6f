/// Layer-4 protocol of a service, with loxilb's names and the IP protocol numbers.
public enum L4Protocol: String, Hashable, Sendable, CaseIterable, Comparable {
    case tcp, udp, sctp, icmp

    /// IANA protocol number as carried in the IP header.
    public var number: UInt8 {
        switch self {
        case .tcp: 6
        case .udp: 17
        case .sctp: 132
        case .icmp: 1
        }
    }

    /// The protocol for an IANA number, if SwiftLB knows it.
    public init?(number: UInt8) {
        guard let match = L4Protocol.allCases.first(where: { $0.number == number }) else { return nil }
        self = match
    }

    public static func < (lhs: L4Protocol, rhs: L4Protocol) -> Bool { lhs.number < rhs.number }
}

/// Endpoint selection algorithm: loxilb's `sel` codes and CLI names.
public enum SelectionAlgorithm: Int, Hashable, Sendable, CaseIterable, LoxiNamed {
    case roundRobin = 0
    case hash = 1
    case priority = 2
    case persist = 3
    case leastConnections = 4
    case n2 = 5
    case n3 = 6

    /// loxicmd's `--select` name.
    public var name: String {
        switch self {
        case .roundRobin: "rr"
        case .hash: "hash"
        case .priority: "priority"
        case .persist: "persist"
        case .leastConnections: "lc"
        case .n2: "n2"
        case .n3: "n3"
        }
    }

}

/// NAT mode: loxilb's `mode` codes and CLI names.
public enum NATMode: Int, Hashable, Sendable, CaseIterable, LoxiNamed {
    case dnat = 0
    case oneArm = 1
    case fullNAT = 2
    case dsr = 3
    case fullProxy = 4
    case hostOneArm = 5

    /// loxicmd's `--mode` name.
    public var name: String {
        switch self {
        case .dnat: "default"
        case .oneArm: "onearm"
        case .fullNAT: "fullnat"
        case .dsr: "dsr"
        case .fullProxy: "fullproxy"
        case .hostOneArm: "hostonearm"
        }
    }

}

/// A code with a loxicmd name (`--select=`, `--mode=`), found by name case-insensitively.
public protocol LoxiNamed: CaseIterable {
    /// loxicmd's name for the value.
    var name: String { get }
}

extension LoxiNamed {
    /// The value whose loxicmd name is `name` (any case), or nil.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = match
    }
}
