import Foundation

/// Consecutive IPv4 addresses that full NAT and onearm flows leave from: `swiftlb --fullnat-source`
/// and a rule's `snatSources`.
///
/// Each address gives every endpoint 28,232 source ports, and a port stays with a closed TCP flow for
/// the endpoint's TIME_WAIT (60 s), so one address carries about 470 new connections per second per
/// endpoint from distinct client ports; a pool of N addresses N times that (docs/nat-modes.md).
public struct SNATPool: Hashable, Sendable, CustomStringConvertible {
    /// The largest pool: a /16.
    public static let maxCount: UInt32 = 65_536

    /// The first address, as a host-order IPv4 value.
    public let first: UInt32
    /// How many addresses, at least one.
    public let count: UInt32

    /// A pool of `count` addresses starting at `first`; nil when it is empty, too large or runs past
    /// 255.255.255.255.
    public init?(first: UInt32, count: UInt32) {
        guard (1...Self.maxCount).contains(count), UInt64(first) + UInt64(count) - 1 <= UInt64(UInt32.max) else {
            return nil
        }
        self.first = first
        self.count = count
    }

    /// Parses an IPv4 address, a prefix `A/len` (every address in it, /16 to /32) or a range `A-B`.
    /// Throws a sentence saying what is wrong, naming `field`.
    public init(parsing text: String, field: String) throws(SNATPoolError) {
        let example = "give an IPv4 address (10.0.9.1), a prefix (10.0.9.0/28) or a range (10.0.9.1-10.0.9.8)"
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var pool: SNATPool?
        if trimmed.contains("-") {
            let ends = trimmed.split(separator: "-", omittingEmptySubsequences: false)
            if ends.count == 2, case .v4(let low)? = IPAddress(String(ends[0])),
                case .v4(let high)? = IPAddress(String(ends[1]))
            {
                guard low <= high else {
                    throw SNATPoolError("\(field) \"\(text)\": the range ends before it starts; \(example)")
                }
                guard UInt64(high) - UInt64(low) < UInt64(Self.maxCount) else {
                    throw SNATPoolError("\(field) \"\(text)\" has more than \(Self.maxCount) addresses (a /16)")
                }
                pool = SNATPool(first: low, count: high - low + 1)
            }
        } else if let prefix = IPPrefix(trimmed), case .v4(let network) = prefix.address {
            guard prefix.length >= 16 else {
                throw SNATPoolError("\(field) \"\(text)\" has more than \(Self.maxCount) addresses; use /16 or longer")
            }
            pool = SNATPool(first: network, count: UInt32(1) << UInt32(32 - prefix.length))
        }
        guard let pool else { throw SNATPoolError("\(field) \"\(text)\" is not an IPv4 pool; \(example)") }
        for address in [pool.first, pool.last] {
            if let problem = RuleValidator.unusableReason(.v4(address), allowLoopback: false) {
                throw SNATPoolError(
                    "\(field) \"\(text)\" contains \(IPAddress.v4(address)), \(problem); use unicast addresses")
            }
        }
        self = pool
    }

    /// The last address, host order.
    public var last: UInt32 { first + (count - 1) }

    /// The address itself, `A/len` when the pool is exactly a prefix, else `A-B`.
    public var description: String {
        if count == 1 { return "\(IPAddress.v4(first))" }
        if count.nonzeroBitCount == 1, first % count == 0 {
            return "\(IPAddress.v4(first))/\(32 - count.trailingZeroBitCount)"
        }
        return "\(IPAddress.v4(first))-\(IPAddress.v4(last))"
    }
}

/// Why a text is not an `SNATPool`: a sentence for the API's 400 or the command line.
public struct SNATPoolError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
