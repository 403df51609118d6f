import SwiftLBCore
import SwiftLBHA
import Testing

@Suite("Conntrack sync wire format")
struct SyncCodecTests {
    static let flow = SyncedFlow(
        proto: 6, source: .v4(0x0a00_0102), destination: .v4(0x0a00_6401), sourcePort: 40_000, destinationPort: 80,
        natSource: .v4(0x0a00_6401), natDestination: .v4(0x0a00_0202), natSourcePort: 33_000, natDestinationPort: 8080,
        natFlags: 3, service: ServiceKey(vip: .v4(0x0a00_6401), port: 80, proto: .tcp), endpointSlot: 1_023,
        state: 3, direction: 0, finDirections: 1, verificationTag: 0xdead_beef, idleMilliseconds: 120,
        packets: 1 << 40, bytes: 1 << 50)
    static let flow6 = SyncedFlow(
        proto: 132, source: .v6([0xfd] + [UInt8](repeating: 0, count: 14) + [2]),
        destination: .v6([0xfd] + [UInt8](repeating: 0, count: 14) + [1]), sourcePort: 5000, destinationPort: 38412,
        natSource: .v6([0xfd] + [UInt8](repeating: 0, count: 14) + [1]),
        natDestination: .v6([0xfd] + [UInt8](repeating: 0, count: 14) + [9]), natSourcePort: 5000,
        natDestinationPort: 38412, natFlags: 1,
        service: ServiceKey(vip: .v6([0xfd] + [UInt8](repeating: 0, count: 14) + [1]), port: 38412, proto: .sctp),
        endpointSlot: 0, state: 2, direction: 1)
    static let messages: [SyncMessage] = [
        .hello(HAAnnouncement(instance: "llb-inst0", role: .master, priority: 100, epoch: 7)), .snapshotBegin,
        .upsert(flow), .upsert(flow6),
        .delete(SyncedFlowKey(proto: 17, source: .v4(1), destination: .v4(2), sourcePort: 3, destinationPort: 4)),
        .snapshotEnd(flows: 2), .keepalive, .challenge(nonce: (0..<32).map { UInt8($0) }),
        .proof(code: [UInt8](repeating: 0xab, count: 32)),
    ]

    @Test("every message survives a round trip, also when the stream arrives one byte at a time")
    func roundTrip() throws {
        let decoded = try SyncStreamDecoding.decode(Self.messages)
        #expect(decoded.whole == Self.messages)
        #expect(decoded.trickled == Self.messages)
    }

    @Test("the header: magic, version 1, type, reserved, big-endian length")
    func header() {
        #expect(SyncCodec.encode(.keepalive) == Array("SLBS".utf8) + [1, 6, 0, 0, 0, 0, 0, 0])
        #expect(
            SyncCodec.encode(.snapshotEnd(flows: 258)) == Array("SLBS".utf8) + [1, 5, 0, 0, 0, 0, 0, 4, 0, 0, 1, 2])
    }

    @Test("a challenge is type 9: a length byte, then the nonce")
    func challengeLayout() {
        #expect(
            SyncCodec.encode(.challenge(nonce: [7, 8, 9])) == Array("SLBS".utf8) + [1, 9, 0, 0, 0, 0, 0, 4, 3, 7, 8, 9])
    }

    @Test("another version, bad magic, unknown types, oversized and malformed payloads are refused")
    func refusals() {
        func refusal(_ bytes: [UInt8]) -> SyncDecodeError? {
            var reader = SyncFrameReader()
            reader.append(bytes)
            do {
                _ = try reader.next()
                return nil
            } catch {
                return error
            }
        }
        var other = SyncCodec.encode(.keepalive)
        other[4] = 2
        #expect(refusal(other) == .unsupportedVersion(2))
        #expect(refusal(Array("HTTP/1.1 200".utf8)) == .badMagic)
        #expect(refusal(Array("SLBS".utf8) + [1, 99, 0, 0, 0, 0, 0, 0]) == .unknownType(99))
        #expect(refusal(Array("SLBS".utf8) + [1, 6, 0, 0, 0, 1, 0, 0]) == .oversized(65_536))
        #expect(refusal(Array("SLBS".utf8) + [1, 5, 0, 0, 0, 0, 0, 2, 0, 1]) == .malformed("payload ends early"))
        #expect(
            refusal(Array("SLBS".utf8) + [1, 6, 0, 0, 0, 0, 0, 1, 0])
                == .malformed("keepalive carries 1 bytes too many"))
        // A truncated frame is not an error: the rest may still come.
        #expect(refusal(Array(SyncCodec.encode(.upsert(Self.flow)).dropLast())) == nil)
    }
}
