import SwiftLBABI
import SwiftLBCore
import SwiftLBDatapath

/// What arrives from a peer: announcements always; flows and persist entries only while no local
/// announcement is MASTER (a MASTER's table is the one the others copy).
extension SyncEngine {
    /// Handles every complete message received on `connection`; false when the stream is broken
    /// (the connection is then closed, and the peer reconnects and gets a new snapshot).
    func handleMessages(on connection: SyncConnection) -> Bool {
        while true {
            let message: SyncMessage?
            do {
                message = try connection.reader.next()
            } catch {
                logger.warning(
                    "conntrack sync stream refused", metadata: ["peer": "\(connection.peer)", "error": "\(error)"])
                return false
            }
            guard let message else { return true }
            handle(message, on: connection)
        }
    }

    private func handle(_ message: SyncMessage, on connection: SyncConnection) {
        switch message {
        case .hello(let announcement):
            connection.announcements[announcement.instance] = announcement
        case .keepalive:
            break
        case .snapshotBegin:
            guard !isMaster else { return }
            connection.receivedSnapshot = []
        case .snapshotEnd:
            guard !isMaster, let named = connection.receivedSnapshot else { return }
            connection.receivedSnapshot = nil
            prune(keeping: named)
            shared.count { $0.snapshotsReceived += 1 }
        case .upsert(let flow):
            shared.count { $0.flowsReceived += 1 }
            guard !isMaster else { return }
            apply(flow, on: connection)
        case .delete(let key):
            guard !isMaster else { return }
            connection.receivedSnapshot?.remove(key)
            if (try? table.delete(key.conntrackKey)) == true { shared.count { $0.deletesApplied += 1 } }
        case .persistUpsert(let entry):
            guard !isMaster, let persistence, let id = localID(of: entry.service) else { return }
            let (key, value) = entry.persistEntry(serviceID: id, now: EBPFDatapath.monotonicNow)
            if (try? persistence.writePersistence(key, value)) != nil { shared.count { $0.persistenceApplied += 1 } }
        case .persistDelete(let service, let client):
            guard !isMaster, let persistence, let id = localID(of: service) else { return }
            _ = try? persistence.deletePersistence(persistKey(serviceID: id, client: client))
        }
    }

    private func localID(of service: ServiceKey) -> UInt32? {
        if let known = serviceIDs[service] { return known }
        let id = directory.serviceID(for: service)
        serviceIDs[service] = id
        return id
    }

    private func apply(_ flow: SyncedFlow, on connection: SyncConnection) {
        connection.receivedSnapshot?.insert(flow.key)
        guard let id = localID(of: flow.service) else {
            shared.count { $0.unknownServices += 1 }
            return
        }
        do {
            try table.update(flow.conntrackKey, flow.conntrackValue(serviceID: id, now: EBPFDatapath.monotonicNow))
            shared.count { $0.flowsApplied += 1 }
        } catch {
            logger.warning("conntrack sync could not store a flow", metadata: ["error": "\(error)"])
        }
    }

    /// After a snapshot: the flows it did not name are gone on the MASTER (they ended while this
    /// instance was not connected), so they go here too.
    private func prune(keeping named: Set<SyncedFlowKey>) {
        var removed = 0
        table.forEachEntry { entry in
            guard let key = SyncedFlowKey(entry.key), !named.contains(key) else { return }
            if table.deleteIfUnchanged(entry) { removed += 1 }
        }
        if removed > 0 { logger.info("conntrack sync snapshot removed stale flows", metadata: ["flows": "\(removed)"]) }
    }
}
