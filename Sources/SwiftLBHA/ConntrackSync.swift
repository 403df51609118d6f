import Foundation
import Logging
import ServiceLifecycle
import SwiftLBCore
import SwiftLBDatapath
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Conntrack sync (docs/ha.md): while one of this instance's announcements is MASTER, it streams
/// its conntrack changes (new flows, state changes, deletes, full NAT port allocations, which live
/// in the reply entries, and persist services' clients) to its peers over TCP, continuously; a peer
/// that connects gets a full snapshot first; with the datapath's events a new flow goes out as soon
/// as the datapath writes it. While none is MASTER it writes what the peers stream
/// into its own table. Either way it exchanges announcements (`hello`) with every peer, which the
/// election follows through `peerAnnouncements()` and `feed`.
///
/// It listens on `Settings.listenPort` and dials every configured peer (again after a failure, at
/// most a second later). Everything runs on one thread of its own: sockets never block, queues are
/// bounded (a peer that cannot keep up loses its queue and gets a new snapshot), and neither the
/// datapath nor the caller ever waits for a peer.
public final class ConntrackSync: Sendable {
    /// A peer instance's sync address.
    public struct Peer: Sendable, Hashable {
        public var address: IPAddress
        public var port: UInt16

        public init(address: IPAddress, port: UInt16 = ConntrackSync.defaultPort) {
            self.address = address
            self.port = port
        }
    }

    /// How the link behaves; the defaults suit the failover target (a new flow reaches the peer
    /// within about one scan interval).
    public struct Settings: Sendable {
        /// The address to listen on (nil: all) and the port (0 picks a free one: tests).
        public var listenAddress: IPAddress?
        public var listenPort: UInt16
        /// The peers to dial.
        public var peers: [Peer]
        /// How often the table is compared with the last pass while MASTER and a peer is connected.
        /// Measured (`swiftlb-bench --ct-scan`, release, this 2-CPU machine): a pass over the default
        /// table (524,304 slots) costs 5.2-5.9 ms empty and 8.2-10.8 ms with 100,000 to 262,144
        /// flows; over the 2,064 slots of `--ct-entries 1024`, 2-14 µs.
        public var scanInterval: Duration
        /// The most of one CPU the passes may take: a pass that cost more stretches the interval, so
        /// the default table is scanned every ~29 ms empty and every ~54 ms full (at 0.2), and a new
        /// flow still reaches the peer well within 100 ms.
        public var maxScanShare: Double
        /// A flow that keeps seeing packets is sent again once this long, so that the peer's copy
        /// never looks idle long enough to expire (the shortest timeout is 10 s).
        public var refreshPeriod: Duration
        /// How often persist services' clients are read (a batch read of slb_persist).
        public var persistenceInterval: Duration
        /// A keepalive goes out after this long without other messages...
        public var keepaliveInterval: Duration
        /// ...and a connection silent for this long is closed (as is one that takes this long to open).
        public var deadInterval: Duration
        /// The most a connection may have queued before its queue is dropped for a new snapshot.
        public var maxQueuedBytes: Int
        /// A key shared by all instances (at least `SyncAuthenticator.minimumKeyLength` bytes):
        /// every connection's peer must prove it holds it (`SyncAuthenticator`). nil: no check.
        public var authenticationKey: [UInt8]?

        public init(
            listenAddress: IPAddress? = nil, listenPort: UInt16 = ConntrackSync.defaultPort, peers: [Peer] = [],
            scanInterval: Duration = .milliseconds(25), maxScanShare: Double = 0.2,
            refreshPeriod: Duration = .seconds(5),
            persistenceInterval: Duration = .seconds(1), keepaliveInterval: Duration = .milliseconds(200),
            deadInterval: Duration = .seconds(1), maxQueuedBytes: Int = 16 << 20, authenticationKey: [UInt8]? = nil
        ) {
            self.listenAddress = listenAddress
            self.listenPort = listenPort
            self.peers = peers
            self.scanInterval = scanInterval
            self.maxScanShare = min(max(maxScanShare, 0.01), 1)
            self.refreshPeriod = refreshPeriod
            self.persistenceInterval = persistenceInterval
            self.keepaliveInterval = keepaliveInterval
            self.deadInterval = deadInterval
            self.maxQueuedBytes = maxQueuedBytes
            self.authenticationKey = authenticationKey
        }
    }

    /// What the link has done since it started (also what `/metrics` shows of it).
    public typealias Statistics = HASyncCounters

    /// The port of loxilb's conntrack sync, and ours by default.
    public static let defaultPort: UInt16 = 22222

    /// A new version whenever `peerAnnouncements()` changes.
    public let feed: StateFeed
    let shared: SyncShared
    private let engine: SyncEngine
    /// The port it listens on (the one chosen, when `listenPort` was 0).
    public let listenPort: UInt16

    /// Listens at once (so a port conflict is reported here); `start()` begins the work. `table` is
    /// the conntrack table to stream from and write into (`EBPFDatapath.conntrack`); `directory`
    /// maps service ids to keys and back (the EBPFDatapath); `persistence` is slb_persist (the
    /// EBPFDatapath; nil: persist services' clients are not synced); `events` are the datapath's
    /// new entries (`EBPFDatapath.conntrackEvents()`; nil: new flows wait for the next pass), which
    /// the link owns and closes when it stops.
    public init(
        settings: Settings, table: ConntrackTable, directory: any SyncServiceDirectory,
        persistence: (any SyncPersistenceStore)? = nil, events: ConntrackEvents? = nil, logger: Logger
    ) throws {
        if let key = settings.authenticationKey, SyncAuthenticator(secret: key) == nil {
            throw SyncSocket.SetupError(
                description:
                    "the sync key has \(key.count) bytes; it needs at least \(SyncAuthenticator.minimumKeyLength)")
        }
        let listener = try SyncSocket.listen(address: settings.listenAddress, port: settings.listenPort)
        guard let shared = SyncShared() else {
            close(listener.fd)
            throw SyncSocket.SetupError(description: "cannot create a pipe: \(SyncSocket.lastError())")
        }
        let feed = StateFeed()
        self.feed = feed
        self.shared = shared
        listenPort = listener.port
        engine = SyncEngine(
            settings: settings, listener: listener.fd, table: table, directory: directory, persistence: persistence,
            events: events, shared: shared, feed: feed, logger: logger)
    }

    /// Starts the sync thread (once).
    public func start() {
        guard
            shared.state.withLock({ state in
                defer { state.started = true }
                return !state.started
            })
        else { return }
        let engine = self.engine
        let thread = Thread { engine.run() }
        thread.name = "conntrack-sync"
        thread.start()
    }

    /// Ends the thread and closes every connection (peers see the link go at once).
    public func stop() {
        shared.state.withLock { $0.stopped = true }
        shared.wake()
    }

    /// This instance's announcements, one per HA instance: sent to every peer now if they changed
    /// (and to every peer that connects later). A MASTER among them starts the flow stream (with a
    /// snapshot to every peer); none stops it and lets received flows into the table.
    public func announce(_ announcements: [HAAnnouncement]) {
        let changed = shared.state.withLock { state in
            guard state.local != announcements else { return false }
            state.local = announcements
            state.localVersion += 1
            return true
        }
        if changed { shared.wake() }
    }

    /// The latest announcements of each peer with a connection up, by peer address.
    public func peerAnnouncements() -> [IPAddress: [HAAnnouncement]] {
        shared.state.withLock { $0.peers }
    }

    /// What the link has done so far.
    public func statistics() -> Statistics {
        shared.state.withLock { state in
            var statistics = state.statistics
            statistics.peersConnected = state.connectedPeers
            return statistics
        }
    }
}

/// ServiceLifecycle: runs until graceful shutdown, then stops.
extension ConntrackSync: Service {
    public func run() async throws {
        start()
        try? await gracefulShutdown()
        stop()
    }
}

/// What the caller's threads and the sync thread share: the local announcements, the peers' view,
/// the statistics, and a pipe that wakes the sync thread when the first of these changes.
final class SyncShared: Sendable {
    struct State {
        var local: [HAAnnouncement] = []
        var localVersion = 0
        var peers: [IPAddress: [HAAnnouncement]] = [:]
        var statistics = ConntrackSync.Statistics()
        /// Peers (by address) with a connection up.
        var connectedPeers = 0
        var started = false
        var stopped = false
    }

    let state = Mutex(State())
    /// The read end, which the sync thread polls, and the write end.
    let wakeFD: Int32
    private let wakeWriteFD: Int32

    init?() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        wakeFD = fds[0]
        wakeWriteFD = fds[1]
    }

    deinit {
        close(wakeFD)
        close(wakeWriteFD)
    }

    /// A full pipe already wakes the thread, so a failed write loses nothing.
    func wake() {
        var one: UInt8 = 1
        _ = write(wakeWriteFD, &one, 1)
    }

    func drainWake() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(wakeFD, &bytes, 64) > 0 {}
    }

    func count(_ body: (inout ConntrackSync.Statistics) -> Void) {
        state.withLock { body(&$0.statistics) }
    }
}

/// The election hears its peers through the sync link.
extension ConntrackSync: HAPeerLink {
    public var changes: StateFeed { feed }

    public func counters() -> HASyncCounters? { statistics() }
}
