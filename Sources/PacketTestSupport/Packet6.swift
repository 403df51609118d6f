/// A packet for fixtures: Ethernet + IPv6 (with optional extension headers) + TCP, UDP or an ICMPv6 echo, built byte
/// by byte with the L4 checksum computed here over the IPv6 pseudo-header (RFC 8200 §8.1), independently of the
/// datapath's incremental updates. TCP and UDP headers are laid out exactly as `Packet`'s, so a NAT64 fixture can
/// compare a translated packet with a `Packet` built from the same fields.
public struct Packet6: Equatable, Sendable {
    /// One extension header: its type (the value of the previous header's Next Header) and its body after the
    /// two-byte Next Header / Hdr Ext Len prefix. The body is padded with zeros to a multiple of 8 bytes in all.
    public struct Extension: Equatable, Sendable {
        public var type: UInt8
        public var body: [UInt8]

        public init(type: UInt8, body: [UInt8] = [0, 0, 0, 0, 0, 0]) {
            self.type = type
            self.body = body
        }

        /// Hop-by-hop options holding only padding (a PadN option).
        public static let hopByHop = Extension(type: 0, body: [1, 4, 0, 0, 0, 0])
        /// Destination options holding only padding.
        public static let destination = Extension(type: 60, body: [1, 4, 0, 0, 0, 0])
        /// A type-4 (segment routing) routing header with `segmentsLeft` and no segments listed.
        public static func routing(segmentsLeft: UInt8) -> Extension {
            Extension(type: 43, body: [4, segmentsLeft, 0, 0, 0, 0])
        }
        /// A fragment header (offset 0, more fragments, identification 7).
        public static let fragment = Extension(type: 44, body: [0, 1] + be32(7))
    }

    public var srcMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x02]
    public var dstMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x01]
    /// 16 bytes each.
    public var src: [UInt8]
    public var dst: [UInt8]
    /// 6 (TCP), 17 (UDP) or 58 (ICMPv6: `sport` and `dport` are the four bytes after the checksum, i.e. the echo
    /// identifier and sequence number, or an error's MTU / pointer / unused word).
    public var proto: UInt8 = 6
    public var sport: UInt16
    public var dport: UInt16
    public var tcpFlags: UInt8 = TCPFlags.syn
    public var hopLimit: UInt8 = 64
    public var trafficClass: UInt8 = 0
    /// ICMPv6 type when `proto` is 58 (128 echo request, 129 echo reply).
    public var icmpType: UInt8 = 128
    public var icmpCode: UInt8 = 0
    public var seq: UInt32 = 1000
    public var extensions: [Extension] = []
    public var payload: [UInt8] = []

    public init(
        srcMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x02], dstMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x01], src: [UInt8],
        dst: [UInt8], proto: UInt8 = 6, sport: UInt16, dport: UInt16, tcpFlags: UInt8 = TCPFlags.syn
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

    /// The packet on the wire.
    public var bytes: [UInt8] {
        var l4: [UInt8]
        let checksumOffset: Int
        switch proto {
        case 6:
            l4 = Packet.tcpHeader(sport: sport, dport: dport, seq: seq, flags: tcpFlags) + payload
            checksumOffset = 16
        case 17:
            l4 = be16(sport) + be16(dport) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
            checksumOffset = 6
        default:
            l4 = [icmpType, icmpCode, 0, 0] + be16(sport) + be16(dport) + payload
            checksumOffset = 2
        }
        let sum = Checksum.fold(Checksum.sum(Checksum6.pseudoHeader(src, dst, proto: proto, length: l4.count) + l4))
        let value = proto == 17 && sum == 0 ? 0xffff : sum
        l4[checksumOffset] = UInt8(value >> 8)
        l4[checksumOffset + 1] = UInt8(value & 0xff)

        var chain: [UInt8] = []
        for (index, ext) in extensions.enumerated() {
            let next = index + 1 < extensions.count ? extensions[index + 1].type : proto
            var body = ext.body
            while (body.count + 2) % 8 != 0 { body.append(0) }
            // The fragment header's second byte is reserved, not a length.
            chain += [next, ext.type == 44 ? 0 : UInt8((body.count + 2) / 8 - 1)] + body
        }
        let first = extensions.first?.type ?? proto
        let payloadLength = UInt16(chain.count + l4.count)
        let word = UInt32(6) << 28 | UInt32(trafficClass) << 20
        let ip = be32(word) + be16(payloadLength) + [first, hopLimit] + src + dst
        return dstMAC + srcMAC + [0x86, 0xdd] + ip + chain + l4
    }

    /// The same packet travelling the other way (addresses, ports and MACs swapped).
    public func reversed(flags: UInt8? = nil) -> Packet6 {
        var copy = self
        (copy.src, copy.dst) = (dst, src)
        (copy.sport, copy.dport) = (dport, sport)
        (copy.srcMAC, copy.dstMAC) = (dstMAC, srcMAC)
        if let flags { copy.tcpFlags = flags }
        return copy
    }
}

/// Checks of IPv6 frames' checksums (IPv6 has no header checksum; TCP, UDP and ICMPv6 cover a pseudo-header).
public enum Checksum6 {
    /// The IPv6 pseudo-header: source, destination, 32-bit upper-layer length, three zero bytes, next header.
    public static func pseudoHeader(_ src: [UInt8], _ dst: [UInt8], proto: UInt8, length: Int) -> [UInt8] {
        src + dst + be32(UInt32(length)) + [0, 0, 0, proto]
    }

    /// True when the TCP, UDP or ICMPv6 checksum of the Ethernet + IPv6 frame verifies (extension headers are
    /// walked). A zero UDP checksum is invalid over IPv6.
    public static func valid(_ frame: [UInt8]) -> Bool {
        guard frame.count >= 54, frame[12] == 0x86, frame[13] == 0xdd else { return false }
        let payloadLength = Int(frame[18]) << 8 | Int(frame[19])
        guard 54 + payloadLength <= frame.count else { return false }
        var next = frame[20]
        var offset = 54
        while [0, 43, 60].contains(next) {
            guard offset + 2 <= frame.count else { return false }
            next = frame[offset]
            offset += (Int(frame[offset + 1]) + 1) * 8
        }
        let end = 54 + payloadLength
        guard offset < end else { return false }
        let l4 = Array(frame[offset..<end])
        if next == 17 && l4.count >= 8 && l4[6] == 0 && l4[7] == 0 { return false }
        let pseudo = pseudoHeader(Array(frame[22..<38]), Array(frame[38..<54]), proto: next, length: l4.count)
        return Checksum.fold(Checksum.sum(pseudo + l4)) == 0
    }
}
