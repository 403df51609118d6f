/// An Ethernet + IPv6 frame around any upper-layer payload, for what `Packet6` does not build (SCTP,
/// IPv6-in-IPv6, hand-made ICMPv6). The payload bytes are taken as given; IPv6 has no header checksum.
public struct RawFrame6: Equatable, Sendable {
    public var srcMAC: [UInt8]
    public var dstMAC: [UInt8]
    /// 16 bytes each.
    public var src: [UInt8]
    public var dst: [UInt8]
    public var nextHeader: UInt8
    public var hopLimit: UInt8 = 64
    public var trafficClass: UInt8 = 0
    public var flowLabel: UInt32 = 0
    public var payload: [UInt8]

    public init(srcMAC: [UInt8], dstMAC: [UInt8], src: [UInt8], dst: [UInt8], nextHeader: UInt8, payload: [UInt8]) {
        self.srcMAC = srcMAC
        self.dstMAC = dstMAC
        self.src = src
        self.dst = dst
        self.nextHeader = nextHeader
        self.payload = payload
    }

    /// The 40-byte IPv6 header.
    public var ipHeader: [UInt8] {
        let word = UInt32(6) << 28 | UInt32(trafficClass) << 20 | (flowLabel & 0xfffff)
        return be32(word) + be16(UInt16(payload.count)) + [nextHeader, hopLimit] + src + dst
    }

    /// The frame on the wire.
    public var bytes: [UInt8] { dstMAC + srcMAC + [0x86, 0xdd] + ipHeader + payload }
}

extension SCTP {
    /// True when the SCTP packet in the Ethernet + IPv6 frame `frame` (no extension headers) carries a correct
    /// CRC32c.
    public static func valid6(_ frame: [UInt8]) -> Bool {
        guard frame.count >= 66, frame[20] == 132 else { return false }
        let payloadLength = Int(frame[18]) << 8 | Int(frame[19])
        guard 54 + payloadLength <= frame.count else { return false }
        var sctp = Array(frame[54..<(54 + payloadLength)])
        let stored = (0..<4).reduce(UInt32(0)) { $0 | UInt32(sctp[8 + $1]) << (8 * UInt32($1)) }
        for index in 8..<12 { sctp[index] = 0 }
        return crc32c(sctp) == stored
    }
}
