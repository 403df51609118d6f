/// One BFD session in asynchronous mode (RFC 5880 §6): the state machine and its timers. Time is
/// passed in, so tests drive it without sleeping; the transport (`BFDEndpoint`) feeds it received
/// packets, asks it what to send, and sleeps until `nextEvent`.
///
/// Not supported (and never asked for in what it sends): authentication, Demand mode, the Echo
/// function.
public struct BFDSession: Sendable {
    /// What the operator configures (loxilb's `interval` and `retryCount`).
    public struct Settings: Sendable, Hashable {
        /// The transmit interval once Up, and the fastest the peer may send (default 200 ms).
        public var interval: Duration
        /// Intervals without a packet after which the session goes down (default 3).
        public var detectMultiplier: UInt8

        public init(interval: Duration = .milliseconds(200), detectMultiplier: UInt8 = 3) {
            self.interval = interval
            self.detectMultiplier = detectMultiplier
        }
    }

    /// A change of the session state, and why.
    public struct Transition: Sendable, Hashable {
        public var from: BFDState
        public var to: BFDState
        public var diagnostic: BFDDiagnostic

        public init(from: BFDState, to: BFDState, diagnostic: BFDDiagnostic) {
            self.from = from
            self.to = to
            self.diagnostic = diagnostic
        }
    }

    /// RFC 5880 §6.8.3: while not Up, a session sends at most once a second.
    static let slowInterval: UInt32 = 1_000_000

    public let settings: Settings
    public let localDiscriminator: UInt32
    public private(set) var state: BFDState = .down
    public private(set) var localDiagnostic: BFDDiagnostic = .none
    public private(set) var remoteDiscriminator: UInt32 = 0
    public private(set) var remoteState: BFDState = .down
    /// A Poll Sequence is running: packets carry P until one with F arrives.
    public private(set) var polling = false
    private var remoteMinRx: UInt32 = 1
    private var finalDue = false
    private var nextTransmit: ContinuousClock.Instant
    private var detectionDeadline: ContinuousClock.Instant?
    /// Factor applied to each transmit interval (RFC 5880 §6.8.7: 75-100 %, at most 90 % with a
    /// detect multiplier of 1); tests fix it.
    private let jitter: @Sendable (UInt8) -> Double

    public init(
        settings: Settings, localDiscriminator: UInt32, now: ContinuousClock.Instant,
        jitter: @escaping @Sendable (UInt8) -> Double = { multiplier in
            Double.random(in: 0.75...(multiplier == 1 ? 0.9 : 1.0))
        }
    ) {
        self.settings = settings
        self.localDiscriminator = localDiscriminator
        self.nextTransmit = now
        self.jitter = jitter
    }

    /// The interval in µs this session asks the peer to receive at, and at least sends at.
    var desiredMinTx: UInt32 { state == .up ? requiredMinRx : max(requiredMinRx, Self.slowInterval) }
    var requiredMinRx: UInt32 { Self.microseconds(settings.interval) }

    /// When the transport must call again (a packet to send or the detection time).
    public var nextEvent: ContinuousClock.Instant {
        detectionDeadline.map { min($0, nextTransmit) } ?? nextTransmit
    }

    /// RFC 5880 §6.8.6 for a packet addressed to this session (already validated by decoding).
    public mutating func receive(_ packet: BFDControlPacket, at now: ContinuousClock.Instant) -> Transition? {
        remoteDiscriminator = packet.myDiscriminator
        remoteState = packet.state
        remoteMinRx = packet.requiredMinRxInterval
        if packet.final { polling = false }
        if packet.poll {
            finalDue = true
            nextTransmit = now
        }
        // Detection time: the peer's multiplier times the slower of what we accept and it sends.
        let detection = UInt64(packet.detectMultiplier) * UInt64(max(requiredMinRx, packet.desiredMinTxInterval))
        detectionDeadline = now + .microseconds(detection)
        guard state != .adminDown else { return nil }
        let next: BFDState
        var diagnostic = BFDDiagnostic.none
        switch (state, packet.state) {
        case (.down, .adminDown), (.initializing, .adminDown), (.up, .adminDown), (.up, .down):
            guard state != .down else { return nil }
            (next, diagnostic) = (.down, .neighborSignaledDown)
        case (.down, .down): next = .initializing
        case (.down, .initializing), (.initializing, .initializing), (.initializing, .up): next = .up
        default: return nil
        }
        return move(to: next, diagnostic: diagnostic, at: now)
    }

    /// Goes down when the detection time passed without a packet (Init or Up only).
    public mutating func expire(at now: ContinuousClock.Instant) -> Transition? {
        guard let deadline = detectionDeadline, now >= deadline else { return nil }
        detectionDeadline = nil
        guard state == .initializing || state == .up else { return nil }
        remoteDiscriminator = 0
        remoteState = .down
        return move(to: .down, diagnostic: .detectionTimeExpired, at: now)
    }

    /// The packet to send now, if one is due (RFC 5880 §6.8.7), and when the next one is.
    public mutating func packetDue(at now: ContinuousClock.Instant) -> BFDControlPacket? {
        guard now >= nextTransmit else { return nil }
        let final = finalDue
        finalDue = false
        let packet = BFDControlPacket(
            state: state, diagnostic: localDiagnostic, poll: polling && !final, final: final,
            detectMultiplier: settings.detectMultiplier, myDiscriminator: localDiscriminator,
            yourDiscriminator: remoteDiscriminator, desiredMinTxInterval: desiredMinTx,
            requiredMinRxInterval: requiredMinRx)
        let interval = Double(max(desiredMinTx, remoteMinRx)) * jitter(settings.detectMultiplier)
        nextTransmit = now + .microseconds(Int64(interval))
        return packet
    }

    /// Takes the session administratively down (it tells the peer so) or back to Down.
    public mutating func setAdminDown(_ down: Bool, at now: ContinuousClock.Instant) -> Transition? {
        guard down != (state == .adminDown) else { return nil }
        return down
            ? move(to: .adminDown, diagnostic: .administrativelyDown, at: now)
            : move(to: .down, diagnostic: .none, at: now)
    }

    private mutating func move(to next: BFDState, diagnostic: BFDDiagnostic, at now: ContinuousClock.Instant)
        -> Transition?
    {
        guard next != state else { return nil }
        let transition = Transition(from: state, to: next, diagnostic: diagnostic)
        state = next
        localDiagnostic = diagnostic
        // Up changes the advertised interval from 1 s to the configured one: a Poll Sequence
        // tells the peer (RFC 5880 §6.8.3). The new state goes out at once.
        polling = next == .up
        nextTransmit = now
        return transition
    }

    static func microseconds(_ duration: Duration) -> UInt32 {
        let (seconds, attoseconds) = duration.components
        return UInt32(clamping: seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }
}
