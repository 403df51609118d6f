import SwiftLBHA
import Testing

/// Two sessions wired to each other with a hand-driven clock: the three-way handshake, the
/// detection time, the Poll Sequence and administrative down, without sleeping.
@Suite("BFD session state machine (RFC 5880 §6.8)")
struct BFDSessionTests {
    let start = ContinuousClock.now
    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    /// What `session` sends at `milliseconds`, if anything.
    func due(_ session: inout BFDSession, _ milliseconds: Int) -> BFDControlPacket? {
        session.packetDue(at: at(milliseconds))
    }

    /// What `session` sends at `milliseconds`; the test fails when it sends nothing.
    func sent(_ session: inout BFDSession, _ milliseconds: Int) throws -> BFDControlPacket {
        let packet = session.packetDue(at: at(milliseconds))
        return try #require(packet)
    }

    /// Down, Init, Up: both sessions Up at time 0.
    func bringUp(_ a: inout BFDSession, _ b: inout BFDSession) throws {
        _ = b.receive(try sent(&a, 0), at: at(0))
        _ = a.receive(try sent(&b, 0), at: at(0))
        _ = b.receive(try sent(&a, 0), at: at(0))
    }

    func session(_ discriminator: UInt32, interval: Int = 200, multiplier: UInt8 = 3) -> BFDSession {
        BFDSession(
            settings: .init(interval: .milliseconds(interval), detectMultiplier: multiplier),
            localDiscriminator: discriminator, now: start, jitter: { _ in 1.0 })
    }

    @Test("Down, Init, Up on both sides within one exchange; the first packets are sent at 1 s")
    func threeWayHandshake() throws {
        var a = session(1)
        var b = session(2)
        let fromA = try sent(&a, 0)
        #expect(fromA.state == .down && fromA.yourDiscriminator == 0 && fromA.desiredMinTxInterval == 1_000_000)
        #expect(due(&a, 999) == nil)
        #expect(b.receive(fromA, at: at(1))?.to == .initializing)
        let fromB = try sent(&b, 1)
        #expect(fromB.state == .initializing && fromB.yourDiscriminator == 1)
        #expect(a.receive(fromB, at: at(2)) == .init(from: .down, to: .up, diagnostic: .none))
        let upFromA = try sent(&a, 2)
        #expect(upFromA.state == .up && upFromA.poll && upFromA.desiredMinTxInterval == 200_000)
        #expect(b.receive(upFromA, at: at(3))?.to == .up)
        // b answers the Poll with Final at once; a's Poll Sequence ends.
        let final = try sent(&b, 3)
        #expect(final.final && !final.poll)
        _ = a.receive(final, at: at(4))
        #expect(!a.polling)
        // Up, a sends every 200 ms; the Poll Sequence is over, so without P.
        #expect(due(&a, 201) == nil)
        #expect(due(&a, 202)?.poll == false)
        #expect(due(&a, 401) == nil)
        #expect(due(&a, 402) != nil)
    }

    @Test("silence for multiplier x interval takes an Up session down with diagnostic 1")
    func detectionTime() throws {
        var a = session(1)
        var b = session(2)
        try bringUp(&a, &b)
        let lastFromB = try sent(&b, 10)
        _ = a.receive(lastFromB, at: at(10))
        #expect(a.state == .up)
        // b advertises 200 ms once Up, multiplier 3: a gives up 600 ms after b's last packet.
        #expect(a.nextEvent <= at(610))
        #expect(a.expire(at: at(609)) == nil)
        #expect(a.expire(at: at(610)) == .init(from: .up, to: .down, diagnostic: .detectionTimeExpired))
        #expect(a.remoteDiscriminator == 0)
        let down = try sent(&a, 610)
        #expect(
            down.state == .down && down.diagnostic == .detectionTimeExpired && down.desiredMinTxInterval == 1_000_000)
    }

    @Test("a peer that says Down or AdminDown takes the session down with diagnostic 3")
    func neighborSignalsDown() throws {
        var a = session(1)
        var b = session(2)
        try bringUp(&a, &b)
        #expect(a.state == .up)
        #expect(b.setAdminDown(true, at: at(5))?.to == .adminDown)
        let adminDown = try sent(&b, 5)
        #expect(adminDown.state == .adminDown && adminDown.diagnostic == .administrativelyDown)
        #expect(a.receive(adminDown, at: at(6)) == .init(from: .up, to: .down, diagnostic: .neighborSignaledDown))
        // An AdminDown session ignores what it receives.
        #expect(b.receive(try sent(&a, 6), at: at(7)) == nil)
        #expect(b.state == .adminDown)
    }

    @Test("the transmit interval is the slower of ours and the peer's Required Min RX, jittered 75-100 %")
    func transmitInterval() throws {
        var a = BFDSession(settings: .init(), localDiscriminator: 1, now: start, jitter: { _ in 0.75 })
        var b = session(2, interval: 500)
        _ = b.receive(try sent(&a, 0), at: at(0))
        _ = a.receive(try sent(&b, 0), at: at(0))
        #expect(a.state == .up)
        _ = due(&a, 0)
        // b accepts one packet per 500 ms: a sends every 500 x 0.75 ms although its own is 200.
        #expect(due(&a, 374) == nil)
        #expect(due(&a, 375) != nil)
        let jittered = BFDSession(settings: .init(detectMultiplier: 1), localDiscriminator: 9, now: start)
        _ = jittered  // the default jitter stays within 75-90 % for multiplier 1 (RFC 5880 §6.8.7)
    }
}
