import SwiftLBABI
import SwiftLBCore
import SwiftLBDatapath

/// The MASTER's side: change passes over the table, snapshots, the persist entries.
extension SyncEngine {
    /// Snapshot stretches are cut at this many queued bytes, so a snapshot of a full table never
    /// sits in memory whole: it is read from the table as the peer takes it.
    static let snapshotLowWater = 256 << 10

    /// Runs what is due: a change pass, a persist pass, and the next stretch of each snapshot.
    func stream(now: ContinuousClock.Instant) {
        let streams = connections.filter(\.streams)
        guard !streams.isEmpty else { return }
        if now >= nextScan {
            let cost = scanAndSend(to: streams)
            // A large, busy table makes a pass cost more (9 ms for 262,144 flows): the interval
            // stretches so that scanning takes at most `maxScanShare` of a CPU.
            nextScan = now + max(settings.scanInterval, cost / settings.maxScanShare)
        }
        if now >= nextPersistenceScan {
            scanPersistence(to: streams)
            nextPersistenceScan = now + settings.persistenceInterval
        }
        for connection in streams where connection.snapshotCursor != nil { continueSnapshot(connection) }
    }

    /// Becoming MASTER: what the table holds now is the baseline, and every peer gets it whole.
    func startStreaming() {
        _ = detector.scan()
        if let entries = try? persistence?.persistenceEntries() { _ = persistenceDetector.changes(in: entries) }
        startSnapshot(on: connections.filter(\.streams), scanFirst: false)
    }

    /// Sends `targets` a snapshot. With `scanFirst` the other streams first get the changes up to
    /// now, so that the detector's baseline is the table the snapshot starts from (a caller that
    /// has just scanned passes false: a second pass now would overtake the first one's messages).
    func startSnapshot(on targets: [SyncConnection], scanFirst: Bool = true) {
        if scanFirst {
            scanAndSend(
                to: connections.filter { connection in
                    connection.streams && !targets.contains { $0 === connection }
                })
        }
        let now = EBPFDatapath.monotonicNow
        let persisted = (try? persistence?.persistenceEntries()) ?? []
        for connection in targets {
            connection.enqueue(.snapshotBegin)
            connection.snapshotCursor = 1
            connection.snapshotFlows = 0
            for entry in persisted {
                guard let message = persistenceMessage(entry.key, entry.value, now: now) else { continue }
                connection.enqueue(message)
            }
            shared.count { $0.persistenceSent += persisted.count }
            continueSnapshot(connection)
        }
    }

    /// Queues the next stretch of `connection`'s snapshot, and its end once the table is walked.
    func continueSnapshot(_ connection: SyncConnection) {
        guard var cursor = connection.snapshotCursor else { return }
        let now = EBPFDatapath.monotonicNow
        var sent = 0
        while connection.pending < Self.snapshotLowWater {
            let slot = table.nextLiveSlot(from: cursor)
            guard slot < table.elementCount else {
                connection.enqueue(.snapshotEnd(flows: connection.snapshotFlows))
                connection.snapshotCursor = nil
                shared.count {
                    $0.snapshotsSent += 1
                    $0.flowsSent += sent
                }
                return
            }
            cursor = slot + 1
            guard let entry = table.entry(atSlot: slot), let flow = syncedFlow(entry, now: now) else { continue }
            connection.enqueue(.upsert(flow))
            connection.snapshotFlows += 1
            sent += 1
        }
        connection.snapshotCursor = cursor
        shared.count { $0.flowsSent += sent }
    }

    /// One change pass, sent to `streams`.
    @discardableResult
    func scanAndSend(to streams: [SyncConnection]) -> Duration {
        let start = ContinuousClock.now
        let changes = detector.scan()
        let cost = ContinuousClock.now - start
        shared.count {
            $0.scans += 1
            $0.lastScanNanoseconds = UInt64(Self.nanoseconds(cost))
        }
        send(changes, to: streams)
        return cost
    }

    /// The new entries the datapath reported (`ConntrackEvents`), sent at once while MASTER, each
    /// flow's two entries together (`ConntrackTable.flowSlots`); the next pass would find them,
    /// tens of milliseconds later: a failover in between lost them.
    func sendNewEntries(_ slots: [UInt32]) {
        let streams = connections.filter(\.streams)
        guard isMaster, !streams.isEmpty, !slots.isEmpty else { return }
        let changes = detector.check(slots: table.flowSlots(slots))
        shared.count { $0.eventFlows += changes.upserted.count }
        send(changes, to: streams)
    }

    /// Queues `changes` on `streams`: to a stream whose snapshot is under way, only the changes in
    /// slots its snapshot has passed (it reads the others from the table later).
    private func send(_ changes: ConntrackChangeDetector.Changes, to streams: [SyncConnection]) {
        guard !changes.isEmpty, !streams.isEmpty else { return }
        let now = EBPFDatapath.monotonicNow
        var messages: [(slot: UInt32, message: SyncMessage)] = []
        for entry in changes.upserted {
            if let flow = syncedFlow(entry, now: now) { messages.append((slot: entry.slot, message: .upsert(flow))) }
        }
        for (slot, key) in changes.deleted {
            if let key = SyncedFlowKey(key) { messages.append((slot: slot, message: .delete(key))) }
        }
        for connection in streams {
            var flows = 0
            var deletes = 0
            for (slot, message) in messages where slot < connection.snapshotCursor ?? .max {
                connection.enqueue(message)
                if case .delete = message { deletes += 1 } else { flows += 1 }
            }
            shared.count {
                $0.flowsSent += flows
                $0.deletesSent += deletes
            }
            if connection.pending > settings.maxQueuedBytes { resnapshot(connection) }
        }
    }

    /// A peer that cannot keep up: what it has queued goes, and a new snapshot replaces it.
    func resnapshot(_ connection: SyncConnection) {
        logger.warning(
            "conntrack sync peer cannot keep up; sending it a new snapshot",
            metadata: ["peer": "\(connection.peer)", "queued": "\(connection.pending)"])
        shared.count { $0.queuesDropped += 1 }
        // The announcements queued with the rest go out again.
        connection.dropQueued()
        sendHellos(connection)
        startSnapshot(on: [connection], scanFirst: false)
    }

    func scanPersistence(to streams: [SyncConnection]) {
        guard let persistence, let entries = try? persistence.persistenceEntries() else { return }
        let (upserted, deleted) = persistenceDetector.changes(in: entries)
        guard !upserted.isEmpty || !deleted.isEmpty else { return }
        let now = EBPFDatapath.monotonicNow
        var messages = upserted.compactMap { persistenceMessage($0.key, $0.value, now: now) }
        for key in deleted {
            guard let service = directory.serviceKey(forID: key.svc_id),
                let client = IPAddress(abiWords: key.addr, family: key.family)
            else { continue }
            messages.append(.persistDelete(service: service, client: client))
        }
        for connection in streams {
            for message in messages { connection.enqueue(message) }
            if connection.pending > settings.maxQueuedBytes { resnapshot(connection) }
        }
        shared.count { $0.persistenceSent += messages.count * streams.count }
    }

    func syncedFlow(_ entry: ConntrackTable.Entry, now: UInt64) -> SyncedFlow? {
        guard let service = directory.serviceKey(forID: entry.value.svc_id) else { return nil }
        return SyncedFlow(key: entry.key, value: entry.value, service: service, now: now)
    }

    func persistenceMessage(_ key: slb_persist_key, _ value: slb_persist_val, now: UInt64) -> SyncMessage? {
        guard let service = directory.serviceKey(forID: key.svc_id),
            let entry = SyncedPersistence(key: key, value: value, service: service, now: now)
        else { return nil }
        return .persistUpsert(entry)
    }
}
