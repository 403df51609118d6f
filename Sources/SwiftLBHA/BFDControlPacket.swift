/// A BFD Control packet without authentication (RFC 5880 §4.1): the 24-byte mandatory section.
/// Intervals are in microseconds, as on the wire.
public struct BFDControlPacket: Sendable, Hashable {
    public var diagnostic: BFDDiagnostic = .none
    public var state: BFDState
    /// Poll: the sender asks for a packet with Final set (a parameter change).
    public var poll = false
    /// Final: the answer to a Poll.
    public var final = false
    public var detectMultiplier: UInt8
    public var myDiscriminator: UInt32
    public var yourDiscriminator: UInt32
    public var desiredMinTxInterval: UInt32
    public var requiredMinRxInterval: UInt32
    /// Always 0 here: this implementation runs no Echo function.
    public var requiredMinEchoRxInterval: UInt32 = 0

    public static let length = 24
    public static let version: UInt8 = 1

    public init(
        state: BFDState, diagnostic: BFDDiagnostic = .none, poll: Bool = false, final: Bool = false,
        detectMultiplier: UInt8, myDiscriminator: UInt32, yourDiscriminator: UInt32, desiredMinTxInterval: UInt32,
        requiredMinRxInterval: UInt32
    ) {
        self.state = state
        self.diagnostic = diagnostic
        self.poll = poll
        self.final = final
        self.detectMultiplier = detectMultiplier
        self.myDiscriminator = myDiscriminator
        self.yourDiscriminator = yourDiscriminator
        self.desiredMinTxInterval = desiredMinTxInterval
        self.requiredMinRxInterval = requiredMinRxInterval
    }

    /// The packet's 24 bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.length)
        out.append(Self.version << 5 | diagnostic.rawValue)
        out.append(state.rawValue << 6 | (poll ? 0x20 : 0) | (final ? 0x10 : 0))
        out.append(detectMultiplier)
        out.append(UInt8(Self.length))
        for word in [
            myDiscriminator, yourDiscriminator, desiredMinTxInterval, requiredMinRxInterval,
            requiredMinEchoRxInterval,
        ] {
            out.append(contentsOf: [
                UInt8(word >> 24), UInt8(word >> 16 & 0xff), UInt8(word >> 8 & 0xff), UInt8(word & 0xff),
            ])
        }
        return out
    }

    /// Why a received packet is discarded (RFC 5880 §6.8.6, the checks before any session is touched).
    public enum DecodeError: Error, Sendable, Hashable {
        case truncated(Int)
        case version(UInt8)
        case badLength(Int)
        case zeroDetectMultiplier
        case multipoint
        case zeroMyDiscriminator
        /// Your Discriminator is 0 while the sender is neither Down nor AdminDown.
        case missingYourDiscriminator
        /// The A bit: this implementation has no authentication configured, so it discards these.
        case authentication
    }

    /// Decodes and validates `bytes` (a UDP payload).
    public init(decoding bytes: some Collection<UInt8>) throws(DecodeError) {
        let b = Array(bytes)
        guard b.count >= Self.length else { throw .truncated(b.count) }
        guard b[0] >> 5 == Self.version else { throw .version(b[0] >> 5) }
        let length = Int(b[3])
        guard length >= Self.length, length <= b.count else { throw .badLength(length) }
        guard b[1] & 0x04 == 0 else { throw .authentication }
        guard b[2] != 0 else { throw .zeroDetectMultiplier }
        guard b[1] & 0x01 == 0 else { throw .multipoint }
        func word(_ at: Int) -> UInt32 {
            UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
        }
        let state = BFDState(rawValue: b[1] >> 6) ?? .down
        self.init(
            state: state, diagnostic: BFDDiagnostic(rawValue: b[0]), poll: b[1] & 0x20 != 0, final: b[1] & 0x10 != 0,
            detectMultiplier: b[2], myDiscriminator: word(4), yourDiscriminator: word(8),
            desiredMinTxInterval: word(12), requiredMinRxInterval: word(16))
        requiredMinEchoRxInterval = word(20)
        guard myDiscriminator != 0 else { throw .zeroMyDiscriminator }
        guard yourDiscriminator != 0 || state == .down || state == .adminDown else { throw .missingYourDiscriminator }
    }
}
