import Logging
import SwiftLBABI
import SwiftLBCore
import SwiftLBDatapath
import Testing

@testable import SwiftLBHA

#if canImport(Glibc)
    import Glibc
#endif

/// Two sync instances in one process, over loopback TCP: the MASTER's table (a table in ordinary
/// memory, with the datapath's layout and protocol) reaches the BACKUP's. The service has id 7 on
/// the master and 4 on the backup, as ids are local.
@Suite("Conntrack sync over TCP", .serialized)
struct ConntrackSyncTests {
    static let master = HAAnnouncement(instance: "llb-inst0", role: .master, priority: 100, epoch: 5)
    static let backup = HAAnnouncement(instance: "llb-inst0", role: .backup, priority: 50, epoch: 0)

    struct Instance {
        let sync: ConntrackSync
        let table: ConntrackTable
    }

    static let fast = ConntrackSync.Settings(listenPort: 0, scanInterval: .milliseconds(10))

    func instance(
        serviceID: UInt32, peers: [ConntrackSync.Peer] = [], listenPort: UInt16 = 0, table: ConntrackTable? = nil,
        otherServices: [ServiceKey: UInt32] = [:], maxQueuedBytes: Int = 16 << 20, key: String? = nil
    ) throws -> Instance {
        var settings = Self.fast
        settings.maxQueuedBytes = maxQueuedBytes
        settings.authenticationKey = key.map { Array($0.utf8) }
        settings.listenAddress = .v4(0x7f00_0001)
        settings.listenPort = listenPort
        settings.peers = peers
        let table = table ?? SyncTestFlows.table()
        let sync = try ConntrackSync(
            settings: settings, table: table,
            directory: StaticServiceDirectory(otherServices.merging([SyncTestFlows.service: serviceID]) { $1 }),
            logger: Logger(label: "test.sync.\(serviceID)"))
        return Instance(sync: sync, table: table)
    }

    /// Waits up to `limit` for `condition`; returns whether it held in time.
    func eventually(_ limit: Duration = .seconds(3), _ condition: () throws -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if (try? condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return (try? condition()) == true
    }

    /// Waits for `condition` on this thread, without yielding it: a latency measured through the
    /// task pool would include the time other suites' blocking work (BPF loads) keeps the pool busy.
    func blockingWait(_ limit: Duration = .seconds(3), _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if condition() { return true }
            usleep(500)
        }
        return condition()
    }

    func serviceIDs(_ table: ConntrackTable) -> Set<UInt32> { Set(table.entries().map(\.value.svc_id)) }

    /// A backup listening, and a master dialling it; the master's table holds one full NAT flow.
    /// With `fixedBackupPort`, the backup listens on a port below the ephemeral range (32768 and
    /// up), so that no outgoing connection takes it while the backup is away and it can come back.
    func pair(fixedBackupPort: Bool = false) throws -> (master: Instance, backup: Instance) {
        var fixed: Instance?
        for _ in 0..<20 where fixedBackupPort && fixed == nil {
            fixed = try? instance(serviceID: 4, listenPort: UInt16.random(in: 20000..<32000))
        }
        let backup = try fixed ?? instance(serviceID: 4)
        let master = try instance(serviceID: 7, peers: [.init(address: .v4(0x7f00_0001), port: backup.sync.listenPort)])
        try SyncTestFlows.write(
            SyncTestFlows.fullNAT(sport: 40000, natPort: 33000, serviceID: 7, now: EBPFDatapath.monotonicNow),
            to: master.table)
        backup.sync.announce([Self.backup])
        master.sync.announce([Self.master])
        return (master, backup)
    }

    @Test("a peer that connects gets a snapshot; new flows and deletes follow within milliseconds")
    func snapshotThenChanges() async throws {
        let (master, backup) = try pair()
        defer {
            master.sync.stop()
            backup.sync.stop()
        }
        backup.sync.start()
        master.sync.start()
        #expect(await eventually { backup.table.liveCount == 2 && backup.sync.statistics().snapshotsReceived == 1 })
        #expect(serviceIDs(backup.table) == [4])
        let reply = SyncTestFlows.key(SyncTestFlows.endpoint, 8080, SyncTestFlows.vip, 33000)
        #expect(try backup.table.lookup(reply)?.nat.dport == UInt16(40000).bigEndian)

        // The counters /metrics shows.
        #expect(await eventually { master.sync.counters()?.peersConnected == 1 })
        let received = try #require(backup.sync.counters())
        #expect(received.snapshotsReceived == 1 && received.flowsApplied == 2 && received.peersConnected == 1)
        #expect(master.sync.counters()?.snapshotsSent == 1)

        // A flow opened now reaches the backup by the next pass (10 ms scans here).
        let opened = SyncTestFlows.fullNAT(sport: 40001, natPort: 33001, serviceID: 7, now: EBPFDatapath.monotonicNow)
        try SyncTestFlows.write(opened, to: master.table)
        #expect(blockingWait { backup.table.liveCount == 4 })
        #expect(try backup.table.lookup(opened[1].key)?.nat.sport == UInt16(80).bigEndian)

        // A state change, then a delete.
        var closing = opened[0].value
        closing.state = UInt8(SLB_CT_TIME_WAIT.rawValue)
        try master.table.update(opened[0].key, closing)
        #expect(await eventually { try backup.table.lookup(opened[0].key)?.state == closing.state })
        #expect(try master.table.delete(opened[0].key))
        #expect(await eventually { try backup.table.lookup(opened[0].key) == nil })
        #expect(backup.table.liveCount == 3)
    }

    /// A backup and a master with the keys given; the master's table holds one full NAT flow.
    func keyedPair(master masterKey: String?, backup backupKey: String?) throws -> (master: Instance, backup: Instance)
    {
        let backup = try instance(serviceID: 4, key: backupKey)
        let master = try instance(
            serviceID: 7, peers: [.init(address: .v4(0x7f00_0001), port: backup.sync.listenPort)], key: masterKey)
        try SyncTestFlows.write(
            SyncTestFlows.fullNAT(sport: 40000, natPort: 33000, serviceID: 7, now: EBPFDatapath.monotonicNow),
            to: master.table)
        backup.sync.announce([Self.backup])
        master.sync.announce([Self.master])
        backup.sync.start()
        master.sync.start()
        return (master, backup)
    }

    @Test("with the same key on both sides the peers authenticate, then roles and flows go across")
    func sameKeySyncs() async throws {
        let key = "a key the pair shares, 32 bytes."
        let (master, backup) = try keyedPair(master: key, backup: key)
        defer {
            master.sync.stop()
            backup.sync.stop()
        }
        #expect(await eventually { backup.table.liveCount == 2 && backup.sync.statistics().snapshotsReceived == 1 })
        #expect(backup.sync.peerAnnouncements().values.first?.first?.role == .master)
        #expect(master.sync.statistics().authenticationFailures == 0)
        #expect(backup.sync.statistics().authenticationFailures == 0)
    }

    @Test(
        "another key, or a key on one side only, is refused on both sides: no roles, no flows",
        arguments: [
            ("a key the pair shares, 32 bytes.", "a different key, also 32 bytes.."),
            ("a key the pair shares, 32 bytes.", nil), (nil, "a key the pair shares, 32 bytes."),
        ] as [(String?, String?)])
    func mismatchedKeysAreRefused(_ masterKey: String?, _ backupKey: String?) async throws {
        let (master, backup) = try keyedPair(master: masterKey, backup: backupKey)
        defer {
            master.sync.stop()
            backup.sync.stop()
        }
        // The keyed side refuses each attempt; the master dials again (backoff up to 1 s).
        #expect(
            await eventually {
                master.sync.statistics().authenticationFailures + backup.sync.statistics().authenticationFailures >= 2
            })
        #expect(backup.table.liveCount == 0)
        #expect(backup.sync.statistics().flowsApplied == 0)
        #expect(backup.sync.peerAnnouncements().isEmpty)
        #expect(master.sync.peerAnnouncements().isEmpty)
    }

    @Test("announcements are exchanged, and a peer's vanish when its link closes")
    func announcements() async throws {
        let (master, backup) = try pair()
        defer { master.sync.stop() }
        let seen = master.sync.feed.version
        backup.sync.start()
        master.sync.start()
        #expect(await eventually { master.sync.peerAnnouncements()[.v4(0x7f00_0001)] == [Self.backup] })
        #expect(await eventually { backup.sync.peerAnnouncements()[.v4(0x7f00_0001)] == [Self.master] })
        #expect(master.sync.feed.version > seen)

        // A new announcement reaches the peer on the open connection.
        let promoted = HAAnnouncement(instance: "llb-inst0", role: .backup, priority: 60, epoch: 0)
        backup.sync.announce([promoted])
        #expect(await eventually { master.sync.peerAnnouncements()[.v4(0x7f00_0001)] == [promoted] })

        let before = master.sync.feed.version
        backup.sync.stop()
        #expect(await eventually { master.sync.peerAnnouncements().isEmpty })
        #expect(master.sync.feed.version > before)
    }

    @Test("a MASTER ignores the flows it receives")
    func masterIgnoresFlows() async throws {
        let (master, backup) = try pair()
        defer {
            master.sync.stop()
            backup.sync.stop()
        }
        backup.sync.announce([HAAnnouncement(instance: "llb-inst0", role: .master, priority: 50, epoch: 9)])
        backup.sync.start()
        master.sync.start()
        #expect(await eventually { backup.sync.statistics().flowsReceived >= 2 })
        try? await Task.sleep(for: .milliseconds(50))
        #expect(backup.table.liveCount == 0)
        #expect(backup.sync.statistics().flowsApplied == 0)
    }

    @Test("a peer that reconnects gets a new snapshot, which also removes flows that ended meanwhile")
    func reconnect() async throws {
        let (master, backup) = try pair(fixedBackupPort: true)
        defer { master.sync.stop() }
        backup.sync.start()
        master.sync.start()
        #expect(await eventually { backup.table.liveCount == 2 })
        let port = backup.sync.listenPort
        backup.sync.stop()
        #expect(await eventually { master.sync.peerAnnouncements().isEmpty })

        // While the backup is away: one flow ends, another starts.
        let ended = SyncTestFlows.fullNAT(sport: 40000, natPort: 33000, serviceID: 7, now: 0)
        for entry in ended { #expect(try master.table.delete(entry.key)) }
        let started = SyncTestFlows.fullNAT(sport: 40002, natPort: 33002, serviceID: 7, now: EBPFDatapath.monotonicNow)
        try SyncTestFlows.write(started, to: master.table)

        // The backup comes back on the same port, with the table it had.
        // stop() returns before the sync thread has closed its listener (the master may also have
        // dropped the link on its own), so the port is retried for a while.
        var restarted: Instance?
        for _ in 0..<150 where restarted == nil {
            restarted = try? instance(serviceID: 4, listenPort: port, table: backup.table)
            if restarted == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let again = try #require(restarted, "port \(port) stayed taken for 3 s after the backup stopped")
        defer { again.sync.stop() }
        again.sync.announce([Self.backup])
        again.sync.start()
        #expect(await eventually(.seconds(4)) { again.sync.statistics().snapshotsReceived == 1 })
        #expect(await eventually { again.table.liveCount == 2 })
        #expect(try again.table.lookup(started[0].key) != nil)
        #expect(try again.table.lookup(ended[0].key) == nil)
        #expect(try again.table.lookup(ended[1].key) == nil)
    }

    @Test("flows of a service the receiver does not have are counted, not written")
    func unknownService() async throws {
        let backup = try instance(serviceID: 4)
        let other = ServiceKey(vip: .v4(SyncTestFlows.vip), port: 81, proto: .tcp)
        let master = try instance(
            serviceID: 7, peers: [.init(address: .v4(0x7f00_0001), port: backup.sync.listenPort)],
            otherServices: [other: 8])
        defer {
            master.sync.stop()
            backup.sync.stop()
        }
        let now = EBPFDatapath.monotonicNow
        try SyncTestFlows.write(
            SyncTestFlows.fullNAT(sport: 40000, natPort: 33000, serviceID: 7, now: now), to: master.table)
        try SyncTestFlows.write(
            SyncTestFlows.fullNAT(sport: 40003, natPort: 33003, serviceID: 8, now: now), to: master.table)
        backup.sync.announce([Self.backup])
        master.sync.announce([Self.master])
        backup.sync.start()
        master.sync.start()
        #expect(await eventually { backup.sync.statistics().snapshotsReceived == 1 })
        #expect(backup.table.liveCount == 2)
        #expect(serviceIDs(backup.table) == [4])
        #expect(backup.sync.statistics().unknownServices == 2)
    }

    @Test("a peer whose queue overflows loses it and gets a new snapshot, and still ends up with every flow")
    func overflowResnapshots() async throws {
        let backup = try instance(serviceID: 4)
        // A queue of more than 100 bytes counts as a peer that cannot keep up.
        let master = try instance(
            serviceID: 7, peers: [.init(address: .v4(0x7f00_0001), port: backup.sync.listenPort)], maxQueuedBytes: 100)
        defer {
            master.sync.stop()
            backup.sync.stop()
        }
        backup.sync.announce([Self.backup])
        master.sync.announce([Self.master])
        backup.sync.start()
        master.sync.start()
        #expect(await eventually { master.sync.peerAnnouncements().count == 1 })
        let now = EBPFDatapath.monotonicNow
        for port in UInt16(0)..<8 {
            try SyncTestFlows.write(
                SyncTestFlows.fullNAT(sport: 41000 + port, natPort: 34000 + port, serviceID: 7, now: now),
                to: master.table)
        }
        #expect(await eventually { master.sync.statistics().queuesDropped > 0 })
        #expect(await eventually { backup.table.liveCount == 16 })
        #expect(backup.sync.statistics().snapshotsReceived >= 2)
        #expect(master.sync.peerAnnouncements().count == 1)
    }
}
