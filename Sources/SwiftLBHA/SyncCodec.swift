import SwiftLBCore

/// The conntrack sync wire format, version 1 (docs/ha.md): each message is a 12-byte header —
/// "SLBS", version, type, two reserved zero bytes, payload length (big-endian u32) — then the
/// payload, every integer big-endian and every address as a family byte (4 or 6) and 16 bytes.
public enum SyncCodec {
    public static let magic: [UInt8] = Array("SLBS".utf8)
    public static let version: UInt8 = 1
    public static let headerLength = 12
    /// Larger payloads are refused: the largest message (a flow) is about 130 bytes.
    public static let maxPayload = 4096

    enum MessageType: UInt8 {
        case hello = 1, snapshotBegin, upsert, delete, snapshotEnd, keepalive, persistUpsert, persistDelete
        case challenge, proof
    }

    /// The message's bytes, header included.
    public static func encode(_ message: SyncMessage) -> [UInt8] {
        var payload = SyncWriter()
        let type: MessageType
        switch message {
        case .hello(let announcement):
            type = .hello
            payload.u8(announcement.role.rawValue)
            payload.u8(announcement.priority)
            payload.u64(announcement.epoch)
            let name = Array(announcement.instance.utf8.prefix(255))
            payload.u8(UInt8(name.count))
            payload.bytes(name)
        case .snapshotBegin: type = .snapshotBegin
        case .upsert(let flow):
            type = .upsert
            payload.flow(flow)
        case .delete(let key):
            type = .delete
            payload.key(key)
        case .snapshotEnd(let flows):
            type = .snapshotEnd
            payload.u32(flows)
        case .keepalive: type = .keepalive
        case .persistUpsert(let entry):
            type = .persistUpsert
            payload.service(entry.service)
            payload.address(entry.client)
            payload.u16(entry.endpointSlot)
            payload.u32(entry.idleMilliseconds)
        case .persistDelete(let service, let client):
            type = .persistDelete
            payload.service(service)
            payload.address(client)
        case .challenge(let nonce):
            type = .challenge
            payload.u8(UInt8(nonce.count))
            payload.bytes(nonce)
        case .proof(let code):
            type = .proof
            payload.u8(UInt8(code.count))
            payload.bytes(code)
        }
        var frame = SyncWriter()
        frame.bytes(magic)
        frame.u8(version)
        frame.u8(type.rawValue)
        frame.u16(0)
        frame.u32(UInt32(payload.out.count))
        frame.bytes(payload.out)
        return frame.out
    }
}

/// Why a sync stream was refused; the connection is closed on any of them.
public enum SyncDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    case badMagic
    /// The peer speaks another version of the format.
    case unsupportedVersion(UInt8)
    case unknownType(UInt8)
    case oversized(UInt32)
    /// The payload does not hold what its type says.
    case malformed(String)

    public var description: String {
        switch self {
        case .badMagic: "not a SwiftLB sync stream (bad magic)"
        case .unsupportedVersion(let version):
            "the peer speaks sync format version \(version); this build speaks \(SyncCodec.version)"
        case .unknownType(let type): "unknown sync message type \(type)"
        case .oversized(let length): "a sync message of \(length) bytes exceeds \(SyncCodec.maxPayload)"
        case .malformed(let what): "malformed sync message: \(what)"
        }
    }
}

/// Cuts a byte stream (TCP reads of any size) into messages.
public struct SyncFrameReader: Sendable {
    private var buffer: [UInt8] = []
    // Where the next message starts: consumed bytes are dropped a read at a time, not a message at
    // a time (a snapshot's read of 64 KiB holds hundreds of messages).
    private var start = 0

    public init() {}

    /// Bytes received and not yet returned as messages.
    public var buffered: Int { buffer.count - start }

    /// Adds bytes read from the connection.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message, or nil until more bytes arrive.
    public mutating func next() throws(SyncDecodeError) -> SyncMessage? {
        let available = buffer.count - start
        guard available >= SyncCodec.headerLength else { return nil }
        guard buffer[start..<start + 4].elementsEqual(SyncCodec.magic) else { throw .badMagic }
        guard buffer[start + 4] == SyncCodec.version else { throw .unsupportedVersion(buffer[start + 4]) }
        var header = SyncReader(buffer[start + 8..<start + 12])
        let length = try header.u32()
        guard length <= SyncCodec.maxPayload else { throw .oversized(length) }
        let end = start + SyncCodec.headerLength + Int(length)
        guard buffer.count >= end else { return nil }
        let rawType = buffer[start + 5]
        guard let type = SyncCodec.MessageType(rawValue: rawType) else { throw .unknownType(rawType) }
        var payload = SyncReader(buffer[start + SyncCodec.headerLength..<end])
        let message: SyncMessage
        switch type {
        case .hello:
            let rawRole = try payload.u8()
            guard let role = HARole(rawValue: rawRole) else { throw .malformed("role \(rawRole)") }
            let priority = try payload.u8()
            let epoch = try payload.u64()
            let name = try payload.bytes(Int(try payload.u8()))
            message = .hello(
                HAAnnouncement(
                    instance: String(decoding: name, as: UTF8.self), role: role, priority: priority, epoch: epoch))
        case .snapshotBegin: message = .snapshotBegin
        case .upsert: message = .upsert(try payload.flow())
        case .delete: message = .delete(try payload.key())
        case .snapshotEnd: message = .snapshotEnd(flows: try payload.u32())
        case .keepalive: message = .keepalive
        case .persistUpsert:
            message = .persistUpsert(
                SyncedPersistence(
                    service: try payload.service(), client: try payload.address(), endpointSlot: try payload.u16(),
                    idleMilliseconds: try payload.u32()))
        case .persistDelete: message = .persistDelete(service: try payload.service(), client: try payload.address())
        case .challenge: message = .challenge(nonce: try payload.bytes(Int(try payload.u8())))
        case .proof: message = .proof(code: try payload.bytes(Int(try payload.u8())))
        }
        guard payload.isAtEnd else { throw .malformed("\(type) carries \(payload.remaining) bytes too many") }
        start = end
        return message
    }
}

/// Big-endian writing of the payload fields.
struct SyncWriter {
    var out: [UInt8] = []

    mutating func u8(_ value: UInt8) { out.append(value) }
    mutating func u16(_ value: UInt16) { out += [UInt8(value >> 8), UInt8(value & 0xff)] }
    mutating func u32(_ value: UInt32) { (0..<4).reversed().forEach { out.append(UInt8(value >> ($0 * 8) & 0xff)) } }
    mutating func u64(_ value: UInt64) { (0..<8).reversed().forEach { out.append(UInt8(value >> ($0 * 8) & 0xff)) } }
    mutating func bytes(_ value: [UInt8]) { out += value }

    mutating func address(_ address: IPAddress) {
        switch address {
        case .v4(let value):
            u8(4)
            u32(value)
            bytes([UInt8](repeating: 0, count: 12))
        case .v6(let value):
            u8(6)
            bytes(Array(value.prefix(16)) + [UInt8](repeating: 0, count: max(0, 16 - value.count)))
        }
    }

    mutating func key(_ key: SyncedFlowKey) {
        u8(key.proto)
        address(key.source)
        address(key.destination)
        u16(key.sourcePort)
        u16(key.destinationPort)
    }

    mutating func service(_ service: ServiceKey) {
        address(service.vip)
        u16(service.port)
        u8(service.proto.number)
    }

    mutating func flow(_ flow: SyncedFlow) {
        key(
            SyncedFlowKey(
                proto: flow.proto, source: flow.source, destination: flow.destination, sourcePort: flow.sourcePort,
                destinationPort: flow.destinationPort))
        address(flow.natSource)
        address(flow.natDestination)
        u16(flow.natSourcePort)
        u16(flow.natDestinationPort)
        u8(flow.natFlags)
        service(flow.service)
        u16(flow.endpointSlot)
        u8(flow.state)
        u8(flow.direction)
        u8(flow.finDirections)
        u32(flow.verificationTag)
        u32(flow.idleMilliseconds)
        u64(flow.packets)
        u64(flow.bytes)
    }
}

/// Big-endian reading of the payload fields; running out is `malformed`.
struct SyncReader {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { bytes.isEmpty }
    var remaining: Int { bytes.count }

    mutating func bytes(_ count: Int) throws(SyncDecodeError) -> [UInt8] {
        guard bytes.count >= count else { throw .malformed("payload ends early") }
        defer { bytes.removeFirst(count) }
        return Array(bytes.prefix(count))
    }

    mutating func u8() throws(SyncDecodeError) -> UInt8 { try bytes(1)[0] }
    mutating func u16() throws(SyncDecodeError) -> UInt16 { UInt16(try integer(2)) }
    mutating func u32() throws(SyncDecodeError) -> UInt32 { UInt32(try integer(4)) }
    mutating func u64() throws(SyncDecodeError) -> UInt64 { try integer(8) }

    private mutating func integer(_ count: Int) throws(SyncDecodeError) -> UInt64 {
        try bytes(count).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func address() throws(SyncDecodeError) -> IPAddress {
        let family = try u8()
        let raw = try bytes(16)
        switch family {
        case 4:
            guard raw[4...].allSatisfy({ $0 == 0 }) else { throw .malformed("an IPv4 address with bytes past 4") }
            return .v4(raw[0..<4].reduce(0) { $0 << 8 | UInt32($1) })
        case 6: return .v6(raw)
        default: throw .malformed("address family \(family)")
        }
    }

    mutating func key() throws(SyncDecodeError) -> SyncedFlowKey {
        SyncedFlowKey(
            proto: try u8(), source: try address(), destination: try address(), sourcePort: try u16(),
            destinationPort: try u16())
    }

    mutating func service() throws(SyncDecodeError) -> ServiceKey {
        let vip = try address()
        let port = try u16()
        let number = try u8()
        guard let proto = L4Protocol(number: number) else { throw .malformed("service protocol \(number)") }
        return ServiceKey(vip: vip, port: port, proto: proto)
    }

    mutating func flow() throws(SyncDecodeError) -> SyncedFlow {
        let key = try key()
        let natSource = try address()
        let natDestination = try address()
        let natSourcePort = try u16()
        let natDestinationPort = try u16()
        let natFlags = try u8()
        let service = try service()
        return SyncedFlow(
            proto: key.proto, source: key.source, destination: key.destination, sourcePort: key.sourcePort,
            destinationPort: key.destinationPort, natSource: natSource, natDestination: natDestination,
            natSourcePort: natSourcePort, natDestinationPort: natDestinationPort, natFlags: natFlags,
            service: service, endpointSlot: try u16(), state: try u8(),
            direction: try u8(), finDirections: try u8(), verificationTag: try u32(), idleMilliseconds: try u32(),
            packets: try u64(), bytes: try u64())
    }
}
