import SwiftLBCore
import Synchronization
import Testing

@testable import SwiftLBHA

/// Two endpoints on loopback (each on its own port, so they share the host) run real sessions
/// over UDP: Up on both sides, then Down when one stops sending or leaves.
@Suite("BFD over UDP on loopback", .serialized)
struct BFDEndpointTests {
    final class Log: Sendable {
        let transitions = Mutex<[BFDSession.Transition]>([])
        func record(_ transition: BFDSession.Transition) { transitions.withLock { $0.append(transition) } }
        var all: [BFDSession.Transition] { transitions.withLock { $0 } }
    }

    static let loopback = IPAddress.v4(0x7f00_0001)

    /// Polls `condition` every 10 ms for at most 10 s (generous: the suite shares two cores).
    static func eventually(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    func pair() throws -> (a: BFDEndpoint, b: BFDEndpoint, logA: Log, logB: Log) {
        let logA = Log()
        let logB = Log()
        let ports = FreeUDPPorts.take(2)
        let a = try BFDEndpoint(listenPort: ports[0], peerPort: ports[1], onChange: { _, t in logA.record(t) })
        let b = try BFDEndpoint(listenPort: ports[1], peerPort: ports[0], onChange: { _, t in logB.record(t) })
        let settings = BFDSession.Settings(interval: .milliseconds(50), detectMultiplier: 3)
        try a.add(peer: Self.loopback, settings: settings)
        try b.add(peer: Self.loopback, settings: settings)
        return (a, b, logA, logB)
    }

    @Test("both sides come Up; when one stops sending the other goes Down on detection time")
    func upThenDetectionTimeExpires() async throws {
        let (a, b, logA, _) = try pair()
        defer { a.stop() }
        #expect(await Self.eventually { a.statuses().first?.state == .up && b.statuses().first?.state == .up })
        b.stop()
        #expect(await Self.eventually { a.statuses().first?.state == .down })
        #expect(logA.all.last == .init(from: .up, to: .down, diagnostic: .detectionTimeExpired))
    }

    @Test("a peer removing its session says AdminDown, and the other side goes Down with diagnostic 3")
    func removalIsSignalled() async throws {
        let (a, b, logA, _) = try pair()
        defer {
            a.stop()
            b.stop()
        }
        #expect(await Self.eventually { a.statuses().first?.state == .up })
        #expect(b.remove(peer: Self.loopback))
        #expect(await Self.eventually { a.statuses().first?.state == .down })
        #expect(logA.all.last == .init(from: .up, to: .down, diagnostic: .neighborSignaledDown))
        #expect(b.statuses().isEmpty)
    }

    @Test("an IPv6 peer is refused with a reason")
    func ipv6Refused() throws {
        let ports = FreeUDPPorts.take(2)
        let endpoint = try BFDEndpoint(listenPort: ports[0], peerPort: ports[1], onChange: { _, _ in })
        defer { endpoint.stop() }
        #expect(throws: BFDEndpoint.PeerError.self) {
            try endpoint.add(peer: .v6([UInt8](repeating: 0, count: 15) + [1]), settings: .init())
        }
    }
}
