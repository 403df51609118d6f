import SwiftLBCore

/// The PROXY protocol version 2 header (HAProxy's specification, section 2.2) that tells an
/// endpoint which client and which VIP a proxied connection belongs to.
///
/// Only the PROXY command over TCP is encoded: 12-byte signature, version/command 0x21, family
/// 0x11 (TCP over IPv4) or 0x21 (TCP over IPv6), the address block length, then source address,
/// destination address, source port and destination port, all big-endian. No TLVs.
public enum ProxyProtocolV2 {
    /// The fixed signature every v2 header starts with: "\r\n\r\n\0\r\nQUIT\n".
    public static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    /// A PROXY header without addresses (AF_UNSPEC, length 0).
    public static let unspecified: [UInt8] = signature + [0x21, 0x00, 0x00, 0x00]

    /// The header for a TCP connection from `source` to `destination`. Addresses of two families
    /// have no common encoding: the header then says AF_UNSPEC with no address block, which the
    /// specification tells receivers to accept and answer with the connection's own addresses.
    public static func header(
        source: IPAddress, sourcePort: UInt16, destination: IPAddress, destinationPort: UInt16
    ) -> [UInt8] {
        var bytes = signature
        bytes.append(0x21)  // version 2, command PROXY
        switch (source, destination) {
        case (.v4(let from), .v4(let to)):
            bytes.append(0x11)
            bytes += bigEndian(UInt16(12))
            bytes += bigEndian(from) + bigEndian(to)
        case (.v6(let from), .v6(let to)):
            bytes.append(0x21)
            bytes += bigEndian(UInt16(36))
            bytes += from + to
        default:
            return unspecified
        }
        bytes += bigEndian(sourcePort) + bigEndian(destinationPort)
        return bytes
    }

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
