import Logging
import SwiftLBCore
import SwiftLBDatapath

#if canImport(Glibc)
    import Glibc
#endif

/// The sync thread's state and loop: sockets, connections, the change detectors. Only that thread
/// touches it (the caller's side talks to it through `SyncShared`).
final class SyncEngine: @unchecked Sendable {
    let settings: ConntrackSync.Settings
    let table: ConntrackTable
    let directory: any SyncServiceDirectory
    let persistence: (any SyncPersistenceStore)?
    private let events: ConntrackEvents?
    /// With a shared key, every connection proves the peer holds it before anything else.
    let authenticator: SyncAuthenticator?
    private var eventSlots: [UInt32] = []
    let shared: SyncShared
    let feed: StateFeed
    let logger: Logger
    private var listener: Int32
    let detector: ConntrackChangeDetector
    var persistenceDetector: PersistenceChangeDetector
    var connections: [SyncConnection] = []
    /// Per configured peer: when it may be dialled next, and the wait after the next failure.
    private var nextDial: [ContinuousClock.Instant]
    private var backoff: [Duration]
    private var localVersion = -1
    private(set) var local: [HAAnnouncement] = []
    var isMaster: Bool { local.contains { $0.role == .master } }
    var nextScan = ContinuousClock.now
    var nextPersistenceScan = ContinuousClock.now
    private var published: [IPAddress: [HAAnnouncement]] = [:]
    private var publishedConnected = 0
    /// Local service ids by key, for the messages of one wake-up: the datapath's directory reads
    /// the service map, a system call, and a snapshot names the same few services thousands of times.
    var serviceIDs: [ServiceKey: UInt32?] = [:]

    init(
        settings: ConntrackSync.Settings, listener: Int32, table: ConntrackTable, directory: any SyncServiceDirectory,
        persistence: (any SyncPersistenceStore)?, events: ConntrackEvents?, shared: SyncShared, feed: StateFeed,
        logger: Logger
    ) {
        self.settings = settings
        self.listener = listener
        self.table = table
        self.directory = directory
        self.persistence = persistence
        self.events = events
        authenticator = settings.authenticationKey.flatMap(SyncAuthenticator.init(secret:))
        self.shared = shared
        self.feed = feed
        self.logger = logger
        let refresh = UInt64(Self.nanoseconds(settings.refreshPeriod))
        detector = ConntrackChangeDetector(table: table, refreshPeriodNanoseconds: refresh)
        persistenceDetector = PersistenceChangeDetector(refreshPeriodNanoseconds: refresh)
        nextDial = settings.peers.map { _ in .now }
        backoff = settings.peers.map { _ in .milliseconds(100) }
    }

    deinit {
        if listener >= 0 { close(listener) }
    }

    func run() {
        logger.info(
            "conntrack sync started",
            metadata: ["port": "\(SyncSocket.localPort(listener))", "peers": "\(settings.peers.count)"])
        while !shared.state.withLock({ $0.stopped }) {
            let now = ContinuousClock.now
            dialDuePeers(now: now)
            waitForEvents(timeout: timeout(now: now))
            let after = ContinuousClock.now
            takeAnnouncements()
            takeNewEntries()
            acceptAll(now: after)
            serviceConnections(now: after)
            if isMaster { stream(now: after) }
            keepalivesAndDeadlines(now: after)
            flushAll(now: after)
            publishPeers()
        }
        // The listener first: a successor may bind the port as soon as the peers see the link go.
        close(listener)
        listener = -1
        for connection in connections { connection.close() }
        connections.removeAll()
        events?.close()
        publishPeers()
        logger.info("conntrack sync stopped")
    }

    // MARK: Waiting

    private var pollFDs: [pollfd] = []

    private func waitForEvents(timeout: Int32) {
        pollFDs.removeAll(keepingCapacity: true)
        pollFDs.append(pollfd(fd: shared.wakeFD, events: Int16(POLLIN), revents: 0))
        pollFDs.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0))
        // Read whenever records wait (also while not MASTER, so that old ones never pile up).
        if let events { pollFDs.append(pollfd(fd: events.pollFD, events: Int16(POLLIN), revents: 0)) }
        for connection in connections {
            let wantsWrite = connection.connecting || connection.pending > 0
            pollFDs.append(
                pollfd(fd: connection.fd, events: Int16(POLLIN) | (wantsWrite ? Int16(POLLOUT) : 0), revents: 0))
        }
        _ = poll(&pollFDs, nfds_t(pollFDs.count), timeout)
        if pollFDs[0].revents != 0 { shared.drainWake() }
    }

    /// Until the next scan or keepalive, at most 100 ms (dialling and deadlines need no precision).
    private func timeout(now: ContinuousClock.Instant) -> Int32 {
        var until = Duration.milliseconds(100)
        if isMaster && connections.contains(where: \.streams) {
            until = min(until, nextScan - now)
            // A snapshot with room in its queue goes on at once; a full queue waits to be writable.
            if connections.contains(where: { $0.snapshotCursor != nil && $0.pending < Self.snapshotLowWater }) {
                until = .zero
            }
        }
        return Int32(clamping: max(Self.nanoseconds(until) / 1_000_000, 0))
    }

    /// The datapath's new entries since the last wake-up: streamed at once while MASTER (the
    /// next pass sees them as reported), dropped otherwise (a new MASTER starts with a snapshot).
    private func takeNewEntries() {
        guard let events else { return }
        eventSlots.removeAll(keepingCapacity: true)
        events.drain(into: &eventSlots)
        if isMaster { sendNewEntries(eventSlots) }
    }

    // MARK: Announcements

    private func takeAnnouncements() {
        let (version, announcements) = shared.state.withLock { ($0.localVersion, $0.local) }
        guard version != localVersion else { return }
        let wasMaster = isMaster
        localVersion = version
        local = announcements
        for connection in connections where connection.ready { sendHellos(connection) }
        if isMaster && !wasMaster {
            logger.info("conntrack sync: MASTER, streaming flows to peers")
            startStreaming()
        } else if !isMaster && wasMaster {
            logger.info("conntrack sync: not MASTER, receiving flows from peers")
            for connection in connections { connection.snapshotCursor = nil }
        }
    }

    func sendHellos(_ connection: SyncConnection) {
        for announcement in local { connection.enqueue(.hello(announcement)) }
    }

    /// The peers' announcements by address, merged over their connections; published on change.
    private func publishPeers() {
        let connected = Set(connections.lazy.filter(\.ready).map(\.peer)).count
        if connected != publishedConnected {
            publishedConnected = connected
            shared.state.withLock { $0.connectedPeers = connected }
        }
        var view: [IPAddress: [HAAnnouncement]] = [:]
        for connection in connections where !connection.announcements.isEmpty {
            var merged = Dictionary(uniqueKeysWithValues: (view[connection.peer] ?? []).map { ($0.instance, $0) })
            merged.merge(connection.announcements) { $1 }
            view[connection.peer] = merged.values.sorted { $0.instance < $1.instance }
        }
        guard view != published else { return }
        published = view
        shared.state.withLock { $0.peers = view }
        feed.publish()
    }

    // MARK: Connections

    private func dialDuePeers(now: ContinuousClock.Instant) {
        for (index, peer) in settings.peers.enumerated() where nextDial[index] <= now {
            guard !connections.contains(where: { $0.peerIndex == index }) else { continue }
            nextDial[index] = now + backoff[index]
            backoff[index] = min(backoff[index] * 2, .seconds(1))
            guard let fd = SyncSocket.connect(to: peer.address, port: peer.port) else { continue }
            connections.append(
                SyncConnection(
                    fd: fd, peer: peer.address, peerIndex: index, carriesFlows: true, connecting: true, now: now,
                    authenticated: authenticator == nil))
        }
    }

    private func acceptAll(now: ContinuousClock.Instant) {
        while let accepted = SyncSocket.accept(listener) {
            // A configured peer gets our flows on the connection we dial to it, not on this one.
            let dialled = settings.peers.contains { $0.address == accepted.peer }
            let connection = SyncConnection(
                fd: accepted.fd, peer: accepted.peer, peerIndex: nil, carriesFlows: !dialled, connecting: false,
                now: now, authenticated: authenticator == nil)
            connections.append(connection)
            opened(connection)
        }
    }

    /// A connection is up: with a key, the challenge first; without, it is ready at once.
    private func opened(_ connection: SyncConnection) {
        logger.info("conntrack sync connection up", metadata: ["peer": "\(connection.peer)"])
        guard authenticator != nil else { return ready(connection) }
        let nonce = SyncAuthenticator.nonce()
        connection.ownNonce = nonce
        connection.enqueue(.challenge(nonce: nonce))
    }

    /// A connection is up and its peer known: hellos, then (while MASTER, if it carries flows) a
    /// snapshot.
    func ready(_ connection: SyncConnection) {
        if let index = connection.peerIndex { backoff[index] = .milliseconds(100) }
        sendHellos(connection)
        if isMaster && connection.carriesFlows { startSnapshot(on: [connection]) }
    }

    private func serviceConnections(now: ContinuousClock.Instant) {
        serviceIDs.removeAll(keepingCapacity: true)
        var failed: [ObjectIdentifier] = []
        for connection in connections {
            guard let events = pollFDs.first(where: { $0.fd == connection.fd })?.revents, events != 0 else {
                continue
            }
            if connection.connecting {
                guard events & Int16(POLLOUT | POLLERR | POLLHUP) != 0 else { continue }
                guard SyncSocket.connectError(connection.fd) == 0 else {
                    failed.append(ObjectIdentifier(connection))
                    continue
                }
                connection.connecting = false
                connection.lastHeard = now
                opened(connection)
            }
            if events & Int16(POLLIN | POLLERR | POLLHUP) != 0 {
                let open = connection.receive(now: now)
                if !handleMessages(on: connection) || !open { failed.append(ObjectIdentifier(connection)) }
            }
        }
        for id in failed { drop(connections.first { ObjectIdentifier($0) == id }, reason: "closed or failed") }
    }

    private func keepalivesAndDeadlines(now: ContinuousClock.Instant) {
        for connection in connections {
            if connection.connecting {
                if now - connection.opened > settings.deadInterval { drop(connection, reason: "connect timed out") }
                continue
            }
            if now - connection.lastHeard > settings.deadInterval {
                drop(connection, reason: "silent for \(settings.deadInterval)")
            } else if !connection.authenticated && now - connection.opened > settings.deadInterval {
                drop(connection, reason: "not authenticated within \(settings.deadInterval)")
            } else if connection.ready && now - connection.lastSent >= settings.keepaliveInterval
                && connection.pending == 0
            {
                connection.enqueue(.keepalive)
            }
        }
    }

    private func flushAll(now: ContinuousClock.Instant) {
        for connection in connections where !connection.connecting && connection.pending > 0 {
            if !connection.flush(now: now) { drop(connection, reason: "write failed") }
        }
    }

    func drop(_ connection: SyncConnection?, reason: String) {
        guard let connection, let position = connections.firstIndex(where: { $0 === connection }) else { return }
        connections.remove(at: position)
        connection.close()
        if !connection.connecting {
            logger.info(
                "conntrack sync connection down", metadata: ["peer": "\(connection.peer)", "reason": "\(reason)"])
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
