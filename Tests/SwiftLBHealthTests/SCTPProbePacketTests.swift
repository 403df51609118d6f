import SwiftLBHealth
import Testing

/// SCTP probe packets against known CRC32c vectors (RFC 3720 B.4, the "123456789" check value) and hand-built bytes.
@Suite struct SCTPProbePacketTests {
    static let vectors: [([UInt8], UInt32)] = [
        (Array("123456789".utf8), 0xe306_9283),
        ([UInt8](repeating: 0, count: 32), 0x8a91_36aa),
        ((0..<32).map { UInt8($0) }, 0x46dd_794e),
    ]

    @Test(arguments: vectors)
    func crc32cMatchesKnownVectors(bytes: [UInt8], crc: UInt32) {
        #expect(SCTPProbePacket.crc32c(bytes) == crc)
    }

    @Test func initBytes() {
        // ports 0x8001 -> 80, vtag 0, CRC32c little-endian; INIT: type 1, length 20, tag, a_rwnd 65535,
        // one outbound and one inbound stream, initial TSN = tag.
        #expect(
            SCTPProbePacket.initPacket(sourcePort: 0x8001, destinationPort: 80, tag: 0x0102_0304)
                == [
                    0x80, 0x01, 0x00, 0x50, 0, 0, 0, 0, 0xa5, 0x0d, 0x53, 0xc3,
                    0x01, 0x00, 0x00, 0x14, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0xff, 0xff,
                    0x00, 0x01, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04,
                ])
    }

    @Test func abortBytes() {
        #expect(
            SCTPProbePacket.abortPacket(sourcePort: 0x8001, destinationPort: 80, peerTag: 0x0a0b_0c0d)
                == [0x80, 0x01, 0x00, 0x50, 0x0a, 0x0b, 0x0c, 0x0d, 0x3b, 0xc3, 0xaf, 0x93, 0x06, 0x00, 0x00, 0x04])
    }

    /// An IPv4 packet (no options) from 10.0.0.2 around `sctp`, whose CRC32c is filled in here.
    static func datagram(_ sctp: [UInt8]) -> [UInt8] {
        var bytes = sctp
        let crc = SCTPProbePacket.crc32c(Array(sctp[0..<8]) + [0, 0, 0, 0] + Array(sctp[12...]))
        bytes[8...11] = [UInt8(crc & 0xff), UInt8((crc >> 8) & 0xff), UInt8((crc >> 16) & 0xff), UInt8(crc >> 24)]
        return [0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 132, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1] + bytes
    }

    static let initAck: [UInt8] =
        [0x00, 0x50, 0x80, 0x01, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0]
        + [0x02, 0x00, 0x00, 0x14, 0xaa, 0xbb, 0xcc, 0xdd, 0x00, 0x00, 0xff, 0xff, 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 1]

    @Test func initAckIsRecognisedWithThePeersTag() {
        let answer = SCTPProbePacket.answer(
            Self.datagram(Self.initAck), sourcePort: 0x8001, destinationPort: 80, tag: 0x0102_0304)
        #expect(answer == .initAck(peerTag: 0xaabb_ccdd))
    }

    @Test func otherAssociationsAndBadChecksumsAreIgnored() {
        #expect(
            SCTPProbePacket.answer(Self.datagram(Self.initAck), sourcePort: 0x8001, destinationPort: 80, tag: 9) == nil)
        #expect(
            SCTPProbePacket.answer(
                Self.datagram(Self.initAck), sourcePort: 0x8002, destinationPort: 80, tag: 0x0102_0304)
                == nil)
        var corrupt = Self.datagram(Self.initAck)
        corrupt[28] ^= 0xff
        #expect(SCTPProbePacket.answer(corrupt, sourcePort: 0x8001, destinationPort: 80, tag: 0x0102_0304) == nil)
        #expect(
            SCTPProbePacket.answer(Array(corrupt.prefix(30)), sourcePort: 0x8001, destinationPort: 80, tag: 1) == nil)
    }

    @Test func abortWithOurTagOrReflectedTagMeansDown() {
        let ours: [UInt8] = [0x00, 0x50, 0x80, 0x01, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0, 0x06, 0x00, 0x00, 0x04]
        #expect(
            SCTPProbePacket.answer(Self.datagram(ours), sourcePort: 0x8001, destinationPort: 80, tag: 0x0102_0304)
                == .abort)
        // T bit set: the verification tag reflects the INIT's (0).
        let reflected: [UInt8] = [0x00, 0x50, 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x06, 0x01, 0x00, 0x04]
        #expect(
            SCTPProbePacket.answer(Self.datagram(reflected), sourcePort: 0x8001, destinationPort: 80, tag: 0x0102_0304)
                == .abort)
    }
}
