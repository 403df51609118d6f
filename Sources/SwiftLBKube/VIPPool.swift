import SwiftLBCore

/// A named range of VIPs (kube-loxilb's `--cidrPools name=CIDR|start-end`).
public struct VIPPool: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    /// First and last address handed out, as 128-bit numbers (IPv4 in the low 32 bits).
    public let first: UInt128
    public let last: UInt128
    public let isV4: Bool

    /// Why a pool flag could not be read.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// `name=CIDR` or `name=START-END`. A prefix hands out its host addresses: without the network
    /// and broadcast address for IPv4 prefixes up to /30, without the subnet-router anycast
    /// address (all host bits zero) for IPv6 prefixes up to /127.
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw ParseError(description: "pool \"\(text)\" is not NAME=CIDR or NAME=START-END")
        }
        let (name, range) = (parts[0], parts[1])
        if range.contains("/") {
            guard let prefix = IPPrefix(range) else {
                throw ParseError(description: "pool \(name): \"\(range)\" is not a CIDR prefix")
            }
            let bits = prefix.address.isV4 ? 32 : 128
            let base = VIPPool.number(prefix.address)
            let hostBits = bits - prefix.length
            let size: UInt128 = hostBits >= 128 ? .max : (UInt128(1) << hostBits) - 1
            var (first, last) = (base, base + size)
            if prefix.address.isV4, hostBits >= 2 { (first, last) = (first + 1, last - 1) }
            if !prefix.address.isV4, hostBits >= 1 { first += 1 }
            self.init(name: name, first: first, last: last, isV4: prefix.address.isV4)
        } else {
            let ends = range.split(separator: "-", maxSplits: 1).map(String.init)
            guard ends.count == 2, let start = IPAddress(ends[0]), let end = IPAddress(ends[1]) else {
                throw ParseError(description: "pool \(name): \"\(range)\" is not a CIDR prefix or START-END range")
            }
            guard start.isV4 == end.isV4, VIPPool.number(start) <= VIPPool.number(end) else {
                throw ParseError(description: "pool \(name): \(start) to \(end) is not a range of one family")
            }
            self.init(name: name, first: VIPPool.number(start), last: VIPPool.number(end), isV4: start.isV4)
        }
    }

    public init(name: String, first: UInt128, last: UInt128, isV4: Bool) {
        self.name = name
        self.first = first
        self.last = last
        self.isV4 = isV4
    }

    /// Reads a comma-separated list of pools; names must be unique.
    public static func parseList(_ text: String) throws(ParseError) -> [VIPPool] {
        var pools: [VIPPool] = []
        for item in text.split(separator: ",") where !item.isEmpty {
            let pool = try VIPPool(parsing: String(item))
            guard !pools.contains(where: { $0.name == pool.name }) else {
                throw ParseError(description: "pool \(pool.name) is named twice")
            }
            pools.append(pool)
        }
        return pools
    }

    public func contains(_ address: IPAddress) -> Bool {
        address.isV4 == isV4 && (first...last).contains(VIPPool.number(address))
    }

    public var description: String { "\(name)=\(address(first))-\(address(last))" }

    /// The address of number `value` in this pool's family.
    func address(_ value: UInt128) -> IPAddress {
        if isV4 { return .v4(UInt32(truncatingIfNeeded: value)) }
        return .v6((0..<16).map { UInt8(truncatingIfNeeded: value >> UInt128(8 * (15 - $0))) })
    }

    static func number(_ address: IPAddress) -> UInt128 {
        switch address {
        case .v4(let value): UInt128(value)
        case .v6(let bytes): bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
        }
    }
}
