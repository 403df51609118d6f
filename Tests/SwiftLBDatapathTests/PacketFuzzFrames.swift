import PacketTestSupport

/// Frames built byte by byte for the fuzzer. PacketTestSupport's builders make consistent packets only; here every
/// header field can take a value no well-formed packet has, and every transport the datapath parses can ride on
/// either family. Checksums are computed (with PacketTestSupport's `Checksum`) so that an unmutated frame is one
/// the datapath translates, not one it passes for a reason unrelated to the mutation under test.
enum PacketFuzzFrames {
    static let ipv4: UInt16 = 0x0800
    static let ipv6: UInt16 = 0x86dd

    /// Where a built frame's headers start, so that mutations can aim at a field.
    struct Layout {
        /// Offset of the IP header (14, or 18 behind a VLAN tag).
        var l3: Int
        /// Offset of the transport header; nil when the frame has none the datapath would read.
        var l4: Int?
        /// 4, 6, or 0 for a frame that is neither.
        var family: Int
    }

    /// A frame with its layout.
    struct Built {
        var bytes: [UInt8]
        var layout: Layout
    }

    static func ethernet(dst: [UInt8], src: [UInt8], type: UInt16) -> [UInt8] { dst + src + be16(type) }

    /// An IPv4 header (with `options`, padded to a multiple of 4 bytes so IHL covers them) and `payload`; total
    /// length and header checksum computed.
    static func ipv4Packet(
        src: [UInt8], dst: [UInt8], proto: UInt8, payload: [UInt8], options: [UInt8] = [], ttl: UInt8 = 64,
        tos: UInt8 = 0, fragment: UInt16 = 0x4000, id: UInt16 = 0x1234
    ) -> [UInt8] {
        var padded = options
        while padded.count % 4 != 0 { padded.append(0) }
        let headerLength = 20 + min(padded.count, 40)
        var header: [UInt8] =
            [0x40 | UInt8(headerLength / 4), tos] + be16(UInt16(truncatingIfNeeded: headerLength + payload.count))
        header += be16(id) + be16(fragment) + [ttl, proto, 0, 0] + src + dst + padded.prefix(40)
        setIPv4Checksum(&header, at: 0)
        return header + payload
    }

    /// Recomputes the IPv4 header checksum of the header at `offset` of `bytes` (its IHL as written, bounded by the
    /// bytes present): mutations that keep a valid checksum reach code a bad checksum would not matter to.
    static func setIPv4Checksum(_ bytes: inout [UInt8], at offset: Int) {
        guard offset + 20 <= bytes.count else { return }
        let length = min(max(Int(bytes[offset] & 0x0f) * 4, 20), bytes.count - offset)
        bytes[offset + 10] = 0
        bytes[offset + 11] = 0
        let sum = Checksum.fold(Checksum.sum(Array(bytes[offset..<(offset + length)])))
        bytes[offset + 10] = UInt8(sum >> 8)
        bytes[offset + 11] = UInt8(sum & 0xff)
    }

    /// A 40-byte IPv6 header before `payload` (extension headers included), payload length computed.
    static func ipv6Packet(
        src: [UInt8], dst: [UInt8], next: UInt8, payload: [UInt8], hopLimit: UInt8 = 64, trafficClass: UInt8 = 0
    ) -> [UInt8] {
        let word = UInt32(6) << 28 | UInt32(trafficClass) << 20
        return be32(word) + be16(UInt16(truncatingIfNeeded: payload.count)) + [next, hopLimit] + src + dst + payload
    }

    /// A TCP header with `options` (data offset covering them, or `dataOffset` when given) and `payload`; checksum
    /// zero until `checksummed` fills it.
    static func tcp(
        sport: UInt16, dport: UInt16, seq: UInt32, ack: UInt32, flags: UInt8, options: [UInt8] = [],
        payload: [UInt8] = []
    ) -> [UInt8] {
        var padded = options
        while padded.count % 4 != 0 { padded.append(1) }  // NOP
        let dataOffset = UInt8(min(5 + padded.count / 4, 15))
        return be16(sport) + be16(dport) + be32(seq) + be32(ack) + [dataOffset << 4, flags] + be16(65535)
            + [0, 0, 0, 0] + padded + payload
    }

    static func udp(sport: UInt16, dport: UInt16, payload: [UInt8]) -> [UInt8] {
        be16(sport) + be16(dport) + be16(UInt16(truncatingIfNeeded: 8 + payload.count)) + [0, 0] + payload
    }

    /// An ICMPv6 message: type, code, the 4-byte `rest` and `body`; checksum zero until `checksummed` fills it.
    static func icmp6(type: UInt8, code: UInt8, rest: UInt32, body: [UInt8]) -> [UInt8] {
        [type, code, 0, 0] + be32(rest) + body
    }

    /// `l4` (TCP, UDP or ICMPv6: the protocols whose checksum covers `pseudo`) with its checksum filled in.
    static func checksummed(_ l4: [UInt8], proto: UInt8, pseudo: [UInt8]) -> [UInt8] {
        let offset: Int
        switch proto {
        case 6: offset = 16
        case 17: offset = 6
        case 58: offset = 2
        default: return l4
        }
        guard l4.count >= offset + 2 else { return l4 }
        var bytes = l4
        bytes[offset] = 0
        bytes[offset + 1] = 0
        var sum = Checksum.fold(Checksum.sum(pseudo + bytes))
        if proto == 17 && sum == 0 { sum = 0xffff }
        bytes[offset] = UInt8(sum >> 8)
        bytes[offset + 1] = UInt8(sum & 0xff)
        return bytes
    }

    /// The IPv4 pseudo-header of a transport segment of `length` bytes.
    static func pseudo4(src: [UInt8], dst: [UInt8], proto: UInt8, length: Int) -> [UInt8] {
        src + dst + [0, proto] + be16(UInt16(truncatingIfNeeded: length))
    }
}
