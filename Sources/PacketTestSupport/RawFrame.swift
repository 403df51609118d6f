/// An Ethernet + IPv4 frame around any L4 payload, for protocols `Packet` does not build (SCTP, ICMP, IPIP).
/// The IPv4 header checksum is computed here; the L4 bytes are taken as given.
public struct RawFrame: Equatable, Sendable {
    public var srcMAC: [UInt8]
    public var dstMAC: [UInt8]
    public var src: [UInt8]
    public var dst: [UInt8]
    public var proto: UInt8
    public var ttl: UInt8 = 64
    public var tos: UInt8 = 0
    public var ipID: UInt16 = 0x1234
    /// The IPv4 flags and fragment offset word (0x4000 = DF).
    public var fragment: UInt16 = 0x4000
    public var l4: [UInt8]

    public init(srcMAC: [UInt8], dstMAC: [UInt8], src: [UInt8], dst: [UInt8], proto: UInt8, l4: [UInt8]) {
        self.srcMAC = srcMAC
        self.dstMAC = dstMAC
        self.src = src
        self.dst = dst
        self.proto = proto
        self.l4 = l4
    }

    /// The 20-byte IPv4 header with its checksum.
    public var ipHeader: [UInt8] {
        var ip: [UInt8] = [0x45, tos] + be16(UInt16(20 + l4.count)) + be16(ipID) + be16(fragment) + [ttl, proto, 0, 0]
        ip += src + dst
        let sum = Checksum.fold(Checksum.sum(ip))
        ip[10] = UInt8(sum >> 8)
        ip[11] = UInt8(sum & 0xff)
        return ip
    }

    /// The frame on the wire.
    public var bytes: [UInt8] { dstMAC + srcMAC + [0x08, 0x00] + ipHeader + l4 }
}

/// SCTP packets (RFC 9260) with their CRC32c computed here, bit by bit, independently of the datapath.
public enum SCTP {
    /// Chunk types used by the fixtures.
    public static let data: UInt8 = 0
    public static let initChunk: UInt8 = 1
    public static let initAck: UInt8 = 2
    public static let cookieEcho: UInt8 = 10
    public static let shutdown: UInt8 = 7

    /// CRC32c (Castagnoli, reflected polynomial 0x82F63B78, initial and final inversion) of `bytes`.
    public static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82f6_3b78 : crc >> 1 }
        }
        return ~crc
    }

    /// A chunk: type, flags, length and `value` padded to four bytes.
    public static func chunk(_ type: UInt8, flags: UInt8 = 0, value: [UInt8]) -> [UInt8] {
        var bytes = [type, flags] + be16(UInt16(4 + value.count)) + value
        while bytes.count % 4 != 0 { bytes.append(0) }
        return bytes
    }

    /// An INIT or INIT ACK chunk announcing `tag` (a_rwnd 65535, 10 streams each way, initial TSN 1).
    public static func initChunk(_ type: UInt8 = initChunk, tag: UInt32) -> [UInt8] {
        chunk(type, value: be32(tag) + be32(65535) + be16(10) + be16(10) + be32(1))
    }

    /// A DATA chunk carrying `payload` (TSN 1, stream 0, PPID 0, beginning and end of a message).
    public static func dataChunk(_ payload: [UInt8]) -> [UInt8] {
        chunk(data, flags: 0x03, value: be32(1) + be16(0) + be16(0) + be32(0) + payload)
    }

    /// The SCTP packet: common header with the CRC32c stored as the kernel does (little-endian), then `chunks`.
    public static func packet(sport: UInt16, dport: UInt16, tag: UInt32, chunks: [UInt8]) -> [UInt8] {
        var bytes = be16(sport) + be16(dport) + be32(tag) + [0, 0, 0, 0] + chunks
        let crc = crc32c(bytes)
        for index in 0..<4 { bytes[8 + index] = UInt8((crc >> (8 * UInt32(index))) & 0xff) }
        return bytes
    }

    /// True when the SCTP packet in the IPv4 frame `frame` (20-byte header) carries a correct CRC32c.
    public static func valid(_ frame: [UInt8]) -> Bool {
        guard frame.count >= 46 else { return false }
        let total = Int(frame[16]) << 8 | Int(frame[17])
        var sctp = Array(frame[34..<(14 + total)])
        let stored = (0..<4).reduce(UInt32(0)) { $0 | UInt32(sctp[8 + $1]) << (8 * UInt32($1)) }
        for index in 8..<12 { sctp[index] = 0 }
        return crc32c(sctp) == stored
    }
}

/// ICMP messages with their checksums computed here.
public enum ICMP {
    /// An echo request (type 8) or reply (type 0) with `payload`.
    public static func echo(type: UInt8 = 8, id: UInt16, seq: UInt16, payload: [UInt8]) -> [UInt8] {
        withChecksum([type, 0, 0, 0] + be16(id) + be16(seq) + payload)
    }

    /// `message` with its ICMP checksum (bytes 2-3) filled in.
    public static func withChecksum(_ message: [UInt8]) -> [UInt8] {
        var bytes = message
        bytes[2] = 0
        bytes[3] = 0
        let sum = Checksum.fold(Checksum.sum(bytes))
        bytes[2] = UInt8(sum >> 8)
        bytes[3] = UInt8(sum & 0xff)
        return bytes
    }

    /// True when the IPv4 header checksum and the ICMP checksum of the frame `frame` verify.
    public static func valid(_ frame: [UInt8]) -> Bool {
        guard frame.count >= 42, Checksum.fold(Checksum.sum(Array(frame[14..<34]))) == 0 else { return false }
        let total = Int(frame[16]) << 8 | Int(frame[17])
        return Checksum.fold(Checksum.sum(Array(frame[34..<(14 + total)]))) == 0
    }
}
