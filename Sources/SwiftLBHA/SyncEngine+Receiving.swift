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
            guard connection.authenticated ? handle(message, on: connection) : authenticate(message, on: connection)
            else { return false }
        }
    }

    /// A message of a connection whose peer has proved it holds the key (or of a link without
    /// one); false when the stream must close.
    private func handle(_ message: SyncMessage, on connection: SyncConnection) -> Bool {
        switch message {
        case .challenge, .proof:
            // A second challenge, or one a link without a key cannot answer.
            return refuse(
                connection,
                authenticator == nil
                    ? "the peer authenticates the sync link and this instance has no key (--ha-sync-key-file)"
                    : "the peer authenticated twice")
        case .hello(let announcement):
            connection.announcements[announcement.instance] = announcement
        case .keepalive:
            break
        case .snapshotBegin:
            guard !isMaster else { return true }
            connection.receivedSnapshot = []
        case .snapshotEnd:
            guard !isMaster, let named = connection.receivedSnapshot else { return true }
            connection.receivedSnapshot = nil
            prune(keeping: named)
            shared.count { $0.snapshotsReceived += 1 }
        case .upsert(let flow):
            shared.count { $0.flowsReceived += 1 }
            guard !isMaster else { return true }
            apply(flow, on: connection)
        case .delete(let key):
            guard !isMaster else { return true }
            connection.receivedSnapshot?.remove(key)
            if (try? table.delete(key.conntrackKey)) == true { shared.count { $0.deletesApplied += 1 } }
        case .persistUpsert(let entry):
            guard !isMaster, let persistence, let id = localID(of: entry.service) else { return true }
            let (key, value) = entry.persistEntry(serviceID: id, now: EBPFDatapath.monotonicNow)
            if (try? persistence.writePersistence(key, value)) != nil { shared.count { $0.persistenceApplied += 1 } }
        case .persistDelete(let service, let client):
            guard !isMaster, let persistence, let id = localID(of: service) else { return true }
            _ = try? persistence.deletePersistence(persistKey(serviceID: id, client: client))
        }
        return true
    }

    /// Before the peer's proof: its challenge is answered, its proof checked; anything else closes
    /// the connection. False when the stream must close.
    private func authenticate(_ message: SyncMessage, on connection: SyncConnection) -> Bool {
        guard let authenticator, let own = connection.ownNonce else { return false }
        let dialled = connection.peerIndex != nil
        switch message {
        case .challenge(let nonce):
            guard connection.peerNonce == nil, nonce.count == SyncAuthenticator.nonceLength else {
                return refuse(connection, "a malformed or repeated challenge")
            }
            connection.peerNonce = nonce
            connection.enqueue(.proof(code: authenticator.proof(dialled: dialled, own: own, peer: nonce)))
            return true
        case .proof(let code):
            guard let peer = connection.peerNonce,
                authenticator.verify(code, peerDialled: !dialled, own: own, peer: peer)
            else {
                return refuse(connection, "its proof does not match this instance's key (--ha-sync-key-file)")
            }
            connection.authenticated = true
            logger.info("conntrack sync peer authenticated", metadata: ["peer": "\(connection.peer)"])
            ready(connection)
            return true
        default:
            return refuse(
                connection,
                "it sent data before authenticating: it runs without --ha-sync-key-file, or a build without it")
        }
    }

    private func refuse(_ connection: SyncConnection, _ why: String) -> Bool {
        shared.count { $0.authenticationFailures += 1 }
        logger.warning(
            "conntrack sync peer refused", metadata: ["peer": "\(connection.peer)", "reason": "\(why)"])
        return false
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
