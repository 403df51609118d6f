/// A packet for fixtures and benchmarks: Ethernet + IPv4 + TCP or UDP, built byte by byte with checksums computed here,
/// independently of the datapath's incremental updates.
public struct Packet: Equatable, Sendable {
    public var srcMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x02]
    public var dstMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x01]
    public var src: (UInt8, UInt8, UInt8, UInt8)
    public var dst: (UInt8, UInt8, UInt8, UInt8)
    public var proto: UInt8 = 6
    public var sport: UInt16
    public var dport: UInt16
    public var tcpFlags: UInt8 = TCPFlags.syn
    public var ttl: UInt8 = 64
    public var ipID: UInt16 = 0x1234
    /// The DF flag (set by default, as Linux sends TCP).
    public var dontFragment = true
    public var tos: UInt8 = 0
    public var seq: UInt32 = 1000
    public var payload: [UInt8] = []
    /// IPv4 options after the 20-byte header (a multiple of 4 bytes; IHL follows).
    public var ipOptions: [UInt8] = []
    /// False sends UDP with a zero checksum ("none", RFC 768).
    public var udpChecksum = true

    public init(
        srcMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x02], dstMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x01],
        src: (UInt8, UInt8, UInt8, UInt8), dst: (UInt8, UInt8, UInt8, UInt8), proto: UInt8 = 6, sport: UInt16,
        dport: UInt16, tcpFlags: UInt8 = TCPFlags.syn
    ) {
        self.srcMAC = srcMAC
        self.dstMAC = dstMAC
        self.src = src
        self.dst = dst
        self.proto = proto
        self.sport = sport
        self.dport = dport
        self.tcpFlags = tcpFlags
    }

    public static func == (lhs: Packet, rhs: Packet) -> Bool { lhs.bytes == rhs.bytes }

    /// The packet on the wire.
    public var bytes: [UInt8] {
        let l4 = proto == 6 ? tcpHeader() + payload : udpHeader() + payload
        let headerLength = 20 + ipOptions.count
        var ip: [UInt8] = [0x40 | UInt8(headerLength / 4), tos]
        ip += be16(UInt16(headerLength + l4.count)) + be16(ipID) + [dontFragment ? 0x40 : 0, 0, ttl, proto, 0, 0]
        ip += [src.0, src.1, src.2, src.3, dst.0, dst.1, dst.2, dst.3] + ipOptions
        let ipSum = Checksum.fold(Checksum.sum(ip))
        ip[10] = UInt8(ipSum >> 8)
        ip[11] = UInt8(ipSum & 0xff)
        var segment = l4
        if proto == 17 && !udpChecksum { return dstMAC + srcMAC + [0x08, 0x00] + ip + segment }
        let l4Sum = Checksum.fold(Checksum.sum(pseudoHeader(length: l4.count) + l4))
        let offset = proto == 6 ? 16 : 6
        let value = proto == 17 && l4Sum == 0 ? 0xffff : l4Sum
        segment[offset] = UInt8(value >> 8)
        segment[offset + 1] = UInt8(value & 0xff)
        return dstMAC + srcMAC + [0x08, 0x00] + ip + segment
    }

    private func tcpHeader() -> [UInt8] {
        Packet.tcpHeader(sport: sport, dport: dport, seq: seq, flags: tcpFlags)
    }

    private func udpHeader() -> [UInt8] {
        be16(sport) + be16(dport) + be16(UInt16(8 + payload.count)) + [0, 0]
    }

    /// A 20-byte TCP header with a zero checksum (ack 5000 when ACK is set, window 65535).
    static func tcpHeader(sport: UInt16, dport: UInt16, seq: UInt32, flags: UInt8) -> [UInt8] {
        be16(sport) + be16(dport) + be32(seq) + be32(flags & TCPFlags.ack != 0 ? 5000 : 0)
            + [0x50, flags] + be16(65535) + [0, 0, 0, 0]
    }

    private func pseudoHeader(length: Int) -> [UInt8] {
        [src.0, src.1, src.2, src.3, dst.0, dst.1, dst.2, dst.3, 0, proto] + be16(UInt16(length))
    }

    /// The same packet travelling the other way (addresses, ports and MACs swapped).
    public func reversed(flags: UInt8? = nil) -> Packet {
        var copy = self
        (copy.src, copy.dst) = (dst, src)
        (copy.sport, copy.dport) = (dport, sport)
        (copy.srcMAC, copy.dstMAC) = (dstMAC, srcMAC)
        if let flags { copy.tcpFlags = flags }
        return copy
    }
}

/// TCP header flag bits.
public enum TCPFlags {
    public static let fin: UInt8 = 0x01
    public static let syn: UInt8 = 0x02
    public static let rst: UInt8 = 0x04
    public static let psh: UInt8 = 0x08
    public static let ack: UInt8 = 0x10
}

/// RFC 1071 one's-complement sums, and checks of a whole packet's checksums.
public enum Checksum {
    public static func sum(_ bytes: [UInt8]) -> UInt32 {
        var total: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            total += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { total += UInt32(bytes[index]) << 8 }
        return total
    }

    public static func fold(_ sum: UInt32) -> UInt16 {
        var value = sum
        while value > 0xffff { value = (value & 0xffff) + (value >> 16) }
        return ~UInt16(value)
    }

    /// True when the IPv4 header checksum and the TCP/UDP checksum of an Ethernet frame verify.
    public static func valid(_ frame: [UInt8]) -> Bool {
        guard frame.count >= 34 else { return false }
        let ihl = Int(frame[14] & 0x0f) * 4
        let ip = Array(frame[14..<(14 + ihl)])
        guard fold(sum(ip)) == 0 else { return false }
        let total = Int(frame[16]) << 8 | Int(frame[17])
        let l4 = Array(frame[(14 + ihl)..<(14 + total)])
        let proto = frame[23]
        if proto == 17 && l4[6] == 0 && l4[7] == 0 { return true }
        let pseudo = Array(frame[26..<34]) + [0, proto, UInt8(l4.count >> 8), UInt8(l4.count & 0xff)]
        return fold(sum(pseudo + l4)) == 0
    }
}

/// Big-endian bytes of a 16-bit value.
public func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
/// Big-endian bytes of a 32-bit value.
public func be32(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> UInt32($0)) & 0xff) } }
