import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// One TCP connection of the sync link, owned by the sync thread: what was read and not yet
/// parsed, what waits to be written, and where a snapshot being sent has got to.
final class SyncConnection {
    let fd: Int32
    let peer: IPAddress
    /// The configured peer this connection was dialled to (nil: accepted).
    let peerIndex: Int?
    /// Whether this side sends flows on it (while MASTER): the connections it dialled, and those
    /// accepted from an address it was not told to dial, so each pair of instances has one stream.
    let carriesFlows: Bool
    var connecting: Bool
    let opened: ContinuousClock.Instant
    var lastHeard: ContinuousClock.Instant
    var lastSent: ContinuousClock.Instant
    var reader = SyncFrameReader()
    /// The peer's latest announcement per instance.
    var announcements: [String: HAAnnouncement] = [:]
    /// The next slot of the snapshot being sent; nil when none is.
    var snapshotCursor: UInt32?
    var snapshotFlows: UInt32 = 0
    /// While receiving a snapshot: the flows it (and the changes sent with it) named so far.
    var receivedSnapshot: Set<SyncedFlowKey>?
    /// With a shared key: the nonce this side sent and the peer's, until the peer's proof checks.
    var ownNonce: [UInt8]?
    var peerNonce: [UInt8]?
    /// False until the peer proved it holds the key (always true without one).
    var authenticated: Bool
    /// Up and authenticated: announcements, keepalives and (if it carries them) flows go out on it.
    var ready: Bool { !connecting && authenticated }
    /// Flows go out on it while this side is MASTER.
    var streams: Bool { ready && carriesFlows }

    // Bytes being written (whole frames, `written` of them sent) and whole frames queued behind
    // them: a queue that grows too large is dropped whole and replaced by a new snapshot.
    private var writing: [UInt8] = []
    private var written = 0
    private(set) var queued: [UInt8] = []

    init(
        fd: Int32, peer: IPAddress, peerIndex: Int?, carriesFlows: Bool, connecting: Bool, now: ContinuousClock.Instant,
        authenticated: Bool
    ) {
        self.fd = fd
        self.authenticated = authenticated
        self.peer = peer
        self.peerIndex = peerIndex
        self.carriesFlows = carriesFlows
        self.connecting = connecting
        self.opened = now
        self.lastHeard = now
        self.lastSent = now
    }

    /// Bytes waiting to be written.
    var pending: Int { writing.count - written + queued.count }

    func enqueue(_ message: SyncMessage) {
        queued += SyncCodec.encode(message)
    }

    /// Drops what is queued (not the frames being written, so the stream stays framed).
    func dropQueued() {
        queued.removeAll(keepingCapacity: false)
    }

    /// Writes what it can without waiting; false when the connection failed.
    func flush(now: ContinuousClock.Instant) -> Bool {
        while true {
            if written == writing.count {
                guard !queued.isEmpty else { return true }
                swap(&writing, &queued)
                queued.removeAll(keepingCapacity: true)
                written = 0
            }
            let sent = writing.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + written, writing.count - written, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            }
            if sent < 0 { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR }
            written += sent
            lastSent = now
        }
    }

    /// Reads what has arrived; false when the peer closed the connection or it failed.
    func receive(now: ContinuousClock.Instant) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count == 0 { return false }
            if count < 0 { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR }
            reader.append(buffer[0..<count])
            lastHeard = now
            // Parse between reads, so one busy peer cannot make the buffer grow without bound.
            if reader.buffered > 1 << 20 { return true }
        }
    }

    func close() {
        _ = Glibc.close(fd)
    }
}
