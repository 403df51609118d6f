import Foundation
import SwiftLBCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Single-hop BFD sessions with IPv4 peers (RFC 5881), run on a thread of their own: BFD's
/// timers are tens of milliseconds, and a blocking receive must not hold one of Swift
/// concurrency's few threads. Every state change is reported to `onChange`.
public final class BFDEndpoint: Sendable {
    /// One session as `statuses()` reports it.
    public struct Status: Sendable, Hashable {
        public var peer: IPAddress
        public var settings: BFDSession.Settings
        public var state: BFDState
        public var diagnostic: BFDDiagnostic
        public var remoteState: BFDState
    }

    /// Why a peer cannot have a session.
    public struct PeerError: Error, CustomStringConvertible {
        public let description: String
    }

    private struct Sessions: ~Copyable {
        var byPeer: [UInt32: BFDSession] = [:]
        var peerOfDiscriminator: [UInt32: UInt32] = [:]
        var stopped = false
    }

    private let sessions = Mutex(Sessions())
    private nonisolated(unsafe) let socket: BFDSocket
    private let peerPort: UInt16
    private let onChange: @Sendable (IPAddress, BFDSession.Transition) -> Void

    /// Listens on `listenPort` (RFC 5881: 3784) and sends to peers' `peerPort`; tests use other
    /// ports so that two endpoints share a host.
    public init(
        listenPort: UInt16 = 3784, peerPort: UInt16 = 3784, sourcePort: UInt16 = 0,
        onChange: @escaping @Sendable (IPAddress, BFDSession.Transition) -> Void
    ) throws {
        socket = try BFDSocket(listenAddress: 0, listenPort: listenPort, sourcePort: sourcePort)
        self.peerPort = peerPort
        self.onChange = onChange
        let thread = Thread { self.run() }
        thread.start()
    }

    /// Starts a session with `peer`, or changes its settings (the session starts again Down).
    public func add(peer: IPAddress, settings: BFDSession.Settings) throws(PeerError) {
        guard case .v4(let host) = peer else {
            throw PeerError(description: "BFD runs over IPv4 here; \(peer) is not an IPv4 address")
        }
        sessions.withLock { sessions in
            if let old = sessions.byPeer[host] { sessions.peerOfDiscriminator[old.localDiscriminator] = nil }
            var discriminator = UInt32.random(in: 1...UInt32.max)
            while sessions.peerOfDiscriminator[discriminator] != nil { discriminator = .random(in: 1...UInt32.max) }
            sessions.byPeer[host] = BFDSession(settings: settings, localDiscriminator: discriminator, now: .now)
            sessions.peerOfDiscriminator[discriminator] = host
        }
    }

    /// Ends the session with `peer`, telling it AdminDown first; false when there was none.
    @discardableResult
    public func remove(peer: IPAddress) -> Bool {
        guard case .v4(let host) = peer else { return false }
        let last = sessions.withLock { sessions -> [UInt8]? in
            guard var session = sessions.byPeer.removeValue(forKey: host) else { return nil }
            sessions.peerOfDiscriminator[session.localDiscriminator] = nil
            _ = session.setAdminDown(true, at: .now)
            return session.packetDue(at: .now)?.bytes
        }
        guard let last else { return false }
        socket.send(last, to: host.bigEndian, port: peerPort)
        return true
    }

    /// Every session, by peer address.
    public func statuses() -> [Status] {
        sessions.withLock { sessions in
            sessions.byPeer.sorted { $0.key < $1.key }.map { host, session in
                Status(
                    peer: .v4(host), settings: session.settings, state: session.state,
                    diagnostic: session.localDiagnostic, remoteState: session.remoteState)
            }
        }
    }

    /// Ends the thread (within 100 ms); sessions stop without telling their peers.
    public func stop() {
        sessions.withLock { $0.stopped = true }
    }

    private func run() {
        while true {
            let wait = sessions.withLock { sessions -> Int32? in
                guard !sessions.stopped else { return nil }
                let next = sessions.byPeer.values.map(\.nextEvent).min() ?? .now + .milliseconds(100)
                let milliseconds =
                    (next - .now).components.attoseconds / 1_000_000_000_000_000
                    + (next - .now).components.seconds * 1000
                return Int32(clamping: min(max(milliseconds, 0), 100))
            }
            guard let wait else { return }
            if let datagram = socket.receive(timeoutMilliseconds: wait) { handle(datagram) }
            tick()
        }
    }

    private func handle(_ datagram: BFDSocket.Datagram) {
        // GTSM (RFC 5881 §5): a packet that crossed a router is not from a direct neighbour.
        if let ttl = datagram.ttl, ttl != 255 { return }
        guard let packet = try? BFDControlPacket(decoding: datagram.payload) else { return }
        let source = UInt32(bigEndian: datagram.source)
        let transition = sessions.withLock { sessions -> (UInt32, BFDSession.Transition)? in
            let host = packet.yourDiscriminator != 0 ? sessions.peerOfDiscriminator[packet.yourDiscriminator] : source
            guard let host, host == source, var session = sessions.byPeer[host] else { return nil }
            let transition = session.receive(packet, at: .now)
            sessions.byPeer[host] = session
            return transition.map { (host, $0) }
        }
        if let (host, transition) = transition { onChange(.v4(host), transition) }
    }

    private func tick() {
        let now = ContinuousClock.now
        var sends: [(UInt32, [UInt8])] = []
        var transitions: [(UInt32, BFDSession.Transition)] = []
        sessions.withLock { sessions in
            for host in Array(sessions.byPeer.keys) {
                guard var session = sessions.byPeer[host] else { continue }
                if let transition = session.expire(at: now) { transitions.append((host, transition)) }
                if let packet = session.packetDue(at: now) { sends.append((host, packet.bytes)) }
                sessions.byPeer[host] = session
            }
        }
        for (host, bytes) in sends { socket.send(bytes, to: host.bigEndian, port: peerPort) }
        for (host, transition) in transitions { onChange(.v4(host), transition) }
    }
}
