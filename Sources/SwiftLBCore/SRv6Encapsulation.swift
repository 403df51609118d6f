/// The headers an endpoint's packets are encapsulated in for SRv6 (RFC 8986 H.Encaps and
/// H.Encaps.Red, SRH of RFC 8754), as bytes the datapath copies in front of the translated packet.
///
/// Outer IPv6 header: source the load balancer's SID, destination the first segment, hop limit 64,
/// next header 43 (routing) when an SRH follows, else the inner protocol (4 for IPv4, 41 for IPv6).
/// The datapath fills the first word (version, traffic class, flow label) and the payload length.
/// With two segments or more an SRH follows: next header the inner protocol, length 2 * segments
/// (8-byte units after the first 8), routing type 4, segments left and last entry both
/// segments - 1, flags and tag 0, then the segments in reverse order (the last segment first),
/// so that Segment List[segments left] is the active one, the outer destination.
public struct SRv6Encapsulation: Hashable, Sendable {
    /// Outer hop limit.
    public static let hopLimit: UInt8 = 64
    /// IPv6 routing header's protocol number.
    public static let routingHeader: UInt8 = 43
    /// Segment routing header's routing type.
    public static let srhType: UInt8 = 4

    /// The outer source: the load balancer's SID.
    public var source: IPAddress
    /// The segments, first segment first; at least one.
    public var segments: [IPAddress]
    /// True when the inner packet is IPv4 (an IPv4 endpoint behind NAT64: End.DX4 on the far side).
    public var innerIPv4: Bool

    public init(source: IPAddress, segments: [IPAddress], innerIPv4: Bool) {
        self.source = source
        self.segments = segments
        self.innerIPv4 = innerIPv4
    }

    /// The inner packet's protocol number in the header before it.
    public var innerProtocol: UInt8 { innerIPv4 ? 4 : 41 }

    /// The header bytes: 40 for one segment, 40 + 8 + 16 * segments otherwise.
    public var bytes: [UInt8] {
        var out: [UInt8] = [0x60, 0, 0, 0, 0, 0]
        out.append(segments.count > 1 ? Self.routingHeader : innerProtocol)
        out.append(Self.hopLimit)
        out += Self.bytes(of: source)
        out += Self.bytes(of: segments.first ?? source)
        guard segments.count > 1 else { return out }
        let last = UInt8(segments.count - 1)
        out += [innerProtocol, UInt8(2 * segments.count), Self.srhType, last, last, 0, 0, 0]
        for segment in segments.reversed() { out += Self.bytes(of: segment) }
        return out
    }

    /// Reads headers written by `bytes` back (nil when they are not such headers).
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 40, bytes[0] >> 4 == 6 else { return nil }
        guard let source = Self.address(bytes, at: 8), let first = Self.address(bytes, at: 24) else { return nil }
        self.source = source
        if bytes[6] != Self.routingHeader {
            guard bytes[6] == 4 || bytes[6] == 41, bytes.count == 40 else { return nil }
            segments = [first]
            innerIPv4 = bytes[6] == 4
            return
        }
        guard bytes.count >= 48 else { return nil }
        let count = Int(bytes[44]) + 1
        guard bytes.count == 48 + 16 * count, bytes[40] == 4 || bytes[40] == 41 else { return nil }
        var list: [IPAddress] = []
        for index in 0..<count {
            guard let segment = Self.address(bytes, at: 48 + 16 * index) else { return nil }
            list.append(segment)
        }
        segments = list.reversed()
        innerIPv4 = bytes[40] == 4
    }

    private static func bytes(of address: IPAddress) -> [UInt8] {
        if case .v6(let bytes) = address { return bytes }
        return [UInt8](repeating: 0, count: 16)
    }

    private static func address(_ bytes: [UInt8], at offset: Int) -> IPAddress? {
        IPAddress.v6(Array(bytes[offset..<offset + 16]))
    }
}
