import SwiftLBHA
import Testing

@Suite("BFD Control packets (RFC 5880 §4.1, §6.8.6)")
struct BFDControlPacketTests {
    let packet = BFDControlPacket(
        state: .up, diagnostic: .neighborSignaledDown, poll: true, detectMultiplier: 3, myDiscriminator: 0x0102_0304,
        yourDiscriminator: 0xa0b0_c0d0, desiredMinTxInterval: 200_000, requiredMinRxInterval: 300_000)

    @Test("the layout: version 1, diag, state and flags, multiplier, length 24, five big-endian words")
    func layout() {
        #expect(
            packet.bytes == [
                0x23, 0xe0, 3, 24, 1, 2, 3, 4, 0xa0, 0xb0, 0xc0, 0xd0, 0x00, 0x03, 0x0d, 0x40, 0x00, 0x04, 0x93, 0xe0,
                0, 0, 0, 0,
            ])
    }

    @Test("decoding what was encoded gives the same packet")
    func roundTrip() throws {
        #expect(try BFDControlPacket(decoding: packet.bytes) == packet)
        var final = packet
        final.poll = false
        final.final = true
        final.state = .initializing
        #expect(try BFDControlPacket(decoding: final.bytes) == final)
    }

    @Test("packets RFC 5880 says to discard are refused with the reason")
    func discards() {
        func refused(_ change: (inout [UInt8]) -> Void) -> BFDControlPacket.DecodeError? {
            var bytes = packet.bytes
            change(&bytes)
            do {
                _ = try BFDControlPacket(decoding: bytes)
                return nil
            } catch {
                return error
            }
        }
        #expect(refused { $0.removeLast() } == .truncated(23))
        #expect(refused { $0[0] = 0x43 } == .version(2))
        #expect(refused { $0[3] = 20 } == .badLength(20))
        #expect(refused { $0[3] = 30 } == .badLength(30))
        #expect(refused { $0[2] = 0 } == .zeroDetectMultiplier)
        #expect(refused { $0[1] |= 0x01 } == .multipoint)
        #expect(refused { $0[1] |= 0x04 } == .authentication)
        #expect(refused { $0.replaceSubrange(4..<8, with: [0, 0, 0, 0]) } == .zeroMyDiscriminator)
        #expect(refused { $0.replaceSubrange(8..<12, with: [0, 0, 0, 0]) } == .missingYourDiscriminator)
        // Your Discriminator 0 is fine from a sender that is Down.
        #expect(
            refused {
                $0.replaceSubrange(8..<12, with: [0, 0, 0, 0]); $0[1] = 0x40
            } == nil)
    }
}
