import SwiftLBCore

extension IPAddress {
    /// The four bytes of an IPv4 address in network order; nil for IPv6.
    var ipv4Octets: [UInt8]? {
        guard case .v4(let value) = self else { return nil }
        return [24, 16, 8, 0].map { UInt8((value >> UInt32($0)) & 0xff) }
    }

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    var octets: [UInt8] {
        switch self {
        case .v4: ipv4Octets ?? []
        case .v6(let bytes): bytes
        }
    }
}
