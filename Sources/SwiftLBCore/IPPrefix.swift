/// An IP prefix in CIDR notation (`10.0.0.0/8`, `fd00::/64`); a plain address is a host prefix.
///
/// The stored address has its host bits cleared, so two spellings of the same network compare equal.
public struct IPPrefix: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The network address (host bits zero).
    public let address: IPAddress
    /// Prefix length in bits: 0...32 for IPv4, 0...128 for IPv6.
    public let length: Int

    /// Parses `ADDRESS/LENGTH` or a plain address; nil when either part is invalid.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(String(parts[0])) else { return nil }
        let bits = address.isV4 ? 32 : 128
        var length = bits
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(digits), value <= bits
            else { return nil }
            length = value
        }
        self.init(address: address, length: length)
    }

    /// Creates the prefix of `length` bits containing `address`; `length` is clamped to the family's size.
    public init(address: IPAddress, length: Int) {
        let bits = address.isV4 ? 32 : 128
        self.length = max(0, min(length, bits))
        self.address = IPPrefix.masked(address, length: self.length)
    }

    /// True when `candidate` lies inside this prefix (always false across families).
    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.isV4 == address.isV4 else { return false }
        return IPPrefix.masked(candidate, length: length) == address
    }

    public var description: String { "\(address)/\(length)" }

    public static func < (lhs: IPPrefix, rhs: IPPrefix) -> Bool {
        (lhs.address, lhs.length) < (rhs.address, rhs.length)
    }

    static func masked(_ address: IPAddress, length: Int) -> IPAddress {
        switch address {
        case .v4(let value):
            let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << UInt32(32 - length)
            return .v4(value & mask)
        case .v6(let bytes):
            let masked = bytes.enumerated().map { index, byte -> UInt8 in
                let kept = max(0, min(8, length - index * 8))
                return kept == 8 ? byte : byte & ~(UInt8(0xff) >> UInt8(kept))
            }
            return .v6(masked)
        }
    }
}
