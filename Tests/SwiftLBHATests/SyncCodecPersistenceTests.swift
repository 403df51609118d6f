import SwiftLBCore
import SwiftLBHA
import Testing

@Suite("Conntrack sync wire format: persist entries")
struct SyncCodecPersistenceTests {
    static let service = ServiceKey(vip: .v4(0x0a00_6401), port: 80, proto: .tcp)
    static let messages: [SyncMessage] = [
        .persistUpsert(
            SyncedPersistence(service: service, client: .v4(0x0a00_0102), endpointSlot: 1023, idleMilliseconds: 99)),
        .persistUpsert(
            SyncedPersistence(
                service: ServiceKey(vip: IPAddress("fd00::1")!, port: 443, proto: .udp), client: IPAddress("fd00::2")!,
                endpointSlot: 0)),
        .persistDelete(service: service, client: .v4(0x0a00_0102)),
    ]

    @Test("persist upserts and deletes survive a round trip, whole and a byte at a time")
    func roundTrip() throws {
        let decoded = try SyncStreamDecoding.decode(Self.messages)
        #expect(decoded.whole == Self.messages)
        #expect(decoded.trickled == Self.messages)
    }

    @Test("types 7 and 8, field by field: service, client, slot, age")
    func bytes() {
        let encoded = SyncCodec.encode(Self.messages[0])
        #expect(Array(encoded[4..<12]) == [1, 7, 0, 0, 0, 0, 0, 43])
        // service VIP (family 4 + 16 bytes), port 80, TCP; client; slot 1023; 99 ms.
        #expect(Array(encoded[12..<17]) == [4, 10, 0, 100, 1])
        #expect(Array(encoded[29..<32]) == [0, 80, 6])
        #expect(Array(encoded[32..<37]) == [4, 10, 0, 1, 2])
        #expect(Array(encoded[49...]) == [3, 0xff, 0, 0, 0, 99])
        #expect(SyncCodec.encode(Self.messages[2])[5] == 8)
    }

    @Test("a truncated, overlong or unknown-protocol persist payload is refused")
    func malformed() {
        var encoded = SyncCodec.encode(Self.messages[0])
        encoded[11] -= 1
        var short = SyncFrameReader()
        short.append(encoded.dropLast())
        #expect(throws: SyncDecodeError.self) { _ = try short.next() }

        var long = SyncCodec.encode(Self.messages[2]) + [0]
        long[11] += 1
        var overlong = SyncFrameReader()
        overlong.append(long)
        #expect(throws: SyncDecodeError.self) { _ = try overlong.next() }

        var badProto = SyncCodec.encode(Self.messages[2])
        badProto[31] = 99
        var reader = SyncFrameReader()
        reader.append(badProto)
        #expect(throws: SyncDecodeError.self) { _ = try reader.next() }

        var unknown = SyncCodec.encode(.keepalive)
        unknown[5] = 11
        var refused = SyncFrameReader()
        refused.append(unknown)
        #expect(throws: SyncDecodeError.unknownType(11)) { _ = try refused.next() }
    }
}
