/// The SCTP packets of an sctp health probe (RFC 9260), built and parsed by hand: this kernel has no SCTP sockets,
/// so the probe speaks SCTP over a raw IPv4 or IPv6 socket.
///
/// The probe sends an INIT from a random port with a random initiate tag; an INIT ACK (from the probed port, carrying
/// our tag as its verification tag) means a listener is there, and is answered with an ABORT (carrying the peer's
/// tag) so that no half-open association lingers on the endpoint. An ABORT back means nobody listens on the port.
public enum SCTPProbePacket {
    /// Chunk types (RFC 9260 3.2).
    public static let initChunk: UInt8 = 1
    public static let initAckChunk: UInt8 = 2
    public static let abortChunk: UInt8 = 6

    /// What a received SCTP packet means for the probe.
    public enum Answer: Equatable, Sendable {
        /// INIT ACK: the endpoint listens; `peerTag` is its initiate tag (the ABORT's verification tag).
        case initAck(peerTag: UInt32)
        /// ABORT: the endpoint refuses the association (no listener on the port).
        case abort
    }

    /// An INIT from `sourcePort` to `destinationPort` announcing `tag` (verification tag 0, a_rwnd 65535, one
    /// stream each way, initial TSN = tag), CRC32c filled in.
    public static func initPacket(sourcePort: UInt16, destinationPort: UInt16, tag: UInt32) -> [UInt8] {
        let chunk: [UInt8] =
            [initChunk, 0] + be16(20) + be32(tag) + be32(65535) + be16(1) + be16(1) + be32(tag)
        return withChecksum(be16(sourcePort) + be16(destinationPort) + be32(0) + be32(0) + chunk)
    }

    /// An ABORT (T bit clear) from `sourcePort` to `destinationPort` with verification tag `peerTag`.
    public static func abortPacket(sourcePort: UInt16, destinationPort: UInt16, peerTag: UInt32) -> [UInt8] {
        withChecksum(be16(sourcePort) + be16(destinationPort) + be32(peerTag) + be32(0) + [abortChunk, 0] + be16(4))
    }

    /// The answer to our INIT in `datagram`, an IPv4 packet as a raw IPv4 socket delivers it (header
    /// included); see `answer(sctp:sourcePort:destinationPort:tag:)`.
    public static func answer(_ datagram: [UInt8], sourcePort: UInt16, destinationPort: UInt16, tag: UInt32)
        -> Answer?
    {
        guard datagram.count >= 20, datagram[0] >> 4 == 4, datagram[9] == 132 else { return nil }
        let sctp = Array(datagram[(Int(datagram[0] & 0x0f) * 4)...])
        return answer(sctp: sctp, sourcePort: sourcePort, destinationPort: destinationPort, tag: tag)
    }

    /// The answer to our INIT (from `destinationPort` to `sourcePort`, verification tag `tag`) in `sctp`, an SCTP
    /// packet without IP header (as a raw IPv6 socket delivers it); nil for anything else (another association, a
    /// bad CRC32c, a truncated packet).
    public static func answer(sctp: [UInt8], sourcePort: UInt16, destinationPort: UInt16, tag: UInt32) -> Answer? {
        guard sctp.count >= 16, u16(sctp, 0) == destinationPort, u16(sctp, 2) == sourcePort else { return nil }
        guard u32(sctp, 8) == crc32c(Array(sctp[0..<8]) + [0, 0, 0, 0] + Array(sctp[12...])).byteSwapped else {
            return nil
        }
        let vtag = u32(sctp, 4)
        switch sctp[12] {
        case initAckChunk where vtag == tag && sctp.count >= 20:
            return .initAck(peerTag: u32(sctp, 16))
        // An ABORT may carry our tag, or (T bit set) reflect the tag of the packet it answers (0 for an INIT).
        case abortChunk where vtag == tag || (sctp[13] & 1 == 1 && vtag == 0):
            return .abort
        default:
            return nil
        }
    }

    /// CRC32c (Castagnoli, reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF) of `bytes`.
    public static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8)
        }
        return ~crc
    }

    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0x82f6_3b78 : value >> 1 }
        return value
    }

    // The checksum field holds the CRC32c in little-endian byte order (RFC 9260 appendix B).
    private static func withChecksum(_ packet: [UInt8]) -> [UInt8] {
        var bytes = packet
        let crc = crc32c(packet)
        bytes[8] = UInt8(crc & 0xff)
        bytes[9] = UInt8((crc >> 8) & 0xff)
        bytes[10] = UInt8((crc >> 16) & 0xff)
        bytes[11] = UInt8(crc >> 24)
        return bytes
    }

    private static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
    private static func be32(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> UInt32($0)) & 0xff) } }
    private static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
    private static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(u16(bytes, at)) << 16 | UInt32(u16(bytes, at + 2))
    }
}
