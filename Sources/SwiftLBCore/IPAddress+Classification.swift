extension IPAddress {
    /// 0.0.0.0 or ::.
    public var isUnspecified: Bool {
        switch self {
        case .v4(let value): value == 0
        case .v6(let bytes): bytes.allSatisfy { $0 == 0 }
        }
    }

    /// 224.0.0.0/4 or ff00::/8.
    public var isMulticast: Bool {
        switch self {
        case .v4(let value): value >> 28 == 0xe
        case .v6(let bytes): bytes.first == 0xff
        }
    }

    /// 255.255.255.255 (IPv6 has no broadcast).
    public var isBroadcast: Bool {
        if case .v4(let value) = self { return value == 0xffff_ffff }
        return false
    }

    /// 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        switch self {
        case .v4(let value): value >> 24 == 127
        case .v6(let bytes): bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1
        }
    }

    /// fe80::/10 (IPv4 has none that SwiftLB refuses).
    public var isLinkLocalV6: Bool {
        if case .v6(let bytes) = self { return bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 }
        return false
    }
}
