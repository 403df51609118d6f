import SwiftLBHealth
import Testing

/// ICMP echo bytes against hand-computed values (RFC 792 / RFC 1071).
@Suite struct ICMPEchoTests {
    @Test func echoRequestBytesAndChecksum() {
        // type 8, code 0, checksum, id 0x1234, seq 0x0001, payload "ab" (0x61 0x62).
        // Sum of words: 0x0800 + 0x1234 + 0x0001 + 0x6162 = 0x7b97; checksum = ~0x7b97 = 0x8468.
        #expect(
            ICMPEcho.request(identifier: 0x1234, sequence: 1, payload: [0x61, 0x62])
                == [0x08, 0x00, 0x84, 0x68, 0x12, 0x34, 0x00, 0x01, 0x61, 0x62])
    }

    @Test func checksumOfAPacketWithItsChecksumIsZero() {
        let packet = ICMPEcho.request(identifier: 0xbeef, sequence: 0x0102, payload: Array("swiftlb".utf8))
        #expect(ICMPEcho.checksum(packet) == 0)
    }

    @Test func oddLengthIsPaddedWithZero() {
        // 0x0102 + 0x0300 = 0x0402 -> ~ = 0xfbfd
        #expect(ICMPEcho.checksum([0x01, 0x02, 0x03]) == 0xfbfd)
    }

    @Test func replyMatchingSkipsTheIPHeaderAndChecksIdentifierAndSequence() {
        let ipHeader: [UInt8] = [0x45] + Array(repeating: 0, count: 19)
        let reply: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x07]
        #expect(ICMPEcho.isReply(ipHeader + reply, identifier: 0x1234, sequence: 7))
        #expect(!ICMPEcho.isReply(ipHeader + reply, identifier: 0x1235, sequence: 7))
        #expect(!ICMPEcho.isReply(ipHeader + reply, identifier: 0x1234, sequence: 8))
        var request = reply
        request[0] = 8
        #expect(
            !ICMPEcho.isReply(ipHeader + request, identifier: 0x1234, sequence: 7), "our own request is not a reply")
        #expect(!ICMPEcho.isReply(Array(ipHeader.prefix(10)), identifier: 0x1234, sequence: 7))
    }
}
