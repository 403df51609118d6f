import Logging

/// The BGP configuration the API set, persisted, and the latest runtime status from the supervisor.
///
/// It is the API's `BGPControl`: every change is validated, then persisted, then applied here, and
/// the supervisor is woken through `changes`. A failed write changes nothing.
public actor BGPDesiredState: BGPControl {
    private let store: any BGPConfigStore
    private let logger: Logger
    private var settings: BGPSettings?
    private var peers: [IPAddress: BGPPeer] = [:]
    private var status = BGPRuntimeStatus()
    private let continuation: AsyncStream<Void>.Continuation

    /// Yields after every accepted change (coalesced: a slow reader sees one element for many changes).
    public nonisolated let changes: AsyncStream<Void>

    /// Creates an empty state over `store`; call `restore()` before serving.
    public init(store: any BGPConfigStore, logger: Logger) {
        self.store = store
        self.logger = logger
        (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Loads the stored configuration. A stored entry that no longer validates is skipped with an error
    /// log (the rest still loads), so one bad row cannot keep the daemon from starting.
    public func restore() async throws(ConfigStoreError) {
        let stored = try await store.loadBGP()
        if let global = stored.global {
            do {
                settings = try BGPValidator.global(global)
            } catch {
                logger.error("stored BGP global config is invalid; ignored", metadata: ["error": "\(error.message)"])
            }
        }
        for neighbor in stored.neighbors {
            do {
                let peer = try BGPValidator.neighbor(neighbor)
                peers[peer.address] = peer
            } catch {
                logger.error(
                    "stored BGP neighbor is invalid; ignored",
                    metadata: ["neighbor": "\(neighbor.ipAddress)", "error": "\(error.message)"])
            }
        }
        logger.info(
            "restored BGP configuration",
            metadata: ["configured": "\(settings != nil)", "neighbors": "\(peers.count)"])
        continuation.yield()
    }

    /// The validated global settings, or nil when BGP is not configured.
    public func currentSettings() -> BGPSettings? { settings }

    /// The validated neighbors, sorted by address.
    public func currentPeers() -> [BGPPeer] { peers.values.sorted() }

    /// Replaces the runtime status (called by the supervisor after each pass).
    public func update(status: BGPRuntimeStatus) {
        self.status = status
    }

    /// The latest runtime status.
    public func runtimeStatus() -> BGPRuntimeStatus { status }

    public func setGlobal(_ config: BGPGlobalConfig) async throws(APIError) {
        let validated = try BGPValidator.global(config)
        guard validated != settings else { return }
        do {
            try await store.saveBGPGlobal(validated.config)
        } catch {
            throw .internalError(
                "saving the BGP global config failed (\(error)); nothing was changed. Check that the config "
                    + "database is writable and retry")
        }
        settings = validated
        logger.info(
            "BGP global config set",
            metadata: [
                "as": "\(validated.asn)", "router-id": "\(validated.routerID)", "port": "\(validated.listenPort)",
            ])
        continuation.yield()
    }

    public func global() async -> BGPGlobalConfig? { settings?.config }

    public func addNeighbor(_ config: BGPNeighbor) async throws(APIError) {
        let peer = try BGPValidator.neighbor(config)
        if let existing = peers[peer.address] {
            guard existing == peer else {
                throw .conflict(
                    "BGP neighbor \(peer.address) already exists with remoteAs \(existing.asn), remotePort "
                        + "\(existing.port), setMultiHop \(existing.multihop); delete it first to change it",
                    fields: ["ipAddress"])
            }
            return
        }
        do {
            try await store.saveBGPNeighbor(peer.config)
        } catch {
            throw .internalError(
                "saving BGP neighbor \(peer.address) failed (\(error)); nothing was changed. Check that the config "
                    + "database is writable and retry")
        }
        peers[peer.address] = peer
        logger.info("BGP neighbor added", metadata: ["neighbor": "\(peer.address)", "remote-as": "\(peer.asn)"])
        continuation.yield()
    }

    public func deleteNeighbor(ipAddress: String, remoteAs: Int?) async throws(APIError) {
        let address = try BGPValidator.peerAddress(ipAddress, field: "ip_address")
        guard let existing = peers[address] else {
            throw .notFound(
                "no BGP neighbor \(address) is configured; list them with GET /netlox/v1/config/bgp/neigh/all",
                fields: ["ip_address"])
        }
        if let remoteAs, remoteAs != 0 {
            let asn = try BGPValidator.asNumber(remoteAs, field: "remoteAs")
            guard asn == existing.asn else {
                throw .notFound(
                    "BGP neighbor \(address) has remoteAs \(existing.asn), not \(asn); nothing was deleted",
                    fields: ["remoteAs"])
            }
        }
        do {
            try await store.deleteBGPNeighbor(ipAddress: existing.config.ipAddress)
        } catch {
            throw .internalError(
                "deleting BGP neighbor \(address) failed (\(error)); nothing was changed. Check that the config "
                    + "database is writable and retry")
        }
        peers[address] = nil
        logger.info("BGP neighbor deleted", metadata: ["neighbor": "\(address)"])
        continuation.yield()
    }

    public func neighbors() async -> [BGPNeighborEntry] {
        currentPeers().map { peer in
            let session = status.gobgpdUp ? status.sessions[peer.address] : nil
            let state = session?.state ?? (status.gobgpdUp ? "unknown" : "gobgpd-down")
            let time = session?.secondsInState.map(BGPRuntimeStatus.duration) ?? ""
            return BGPNeighborEntry(
                ipAddress: peer.address.description, remoteAs: Int(peer.asn), state: state, updowntime: time)
        }
    }

    public func metrics() async -> BGPMetrics {
        let sessions = await neighbors().map { entry in
            BGPMetrics.Session(
                address: entry.ipAddress,
                state: BGPMetrics.sessionStates.contains(entry.state) ? entry.state : "unknown")
        }
        return BGPMetrics(
            gobgpdUp: status.gobgpdUp, gobgpdStarts: status.gobgpdStarts, advertisedRoutes: status.advertisedRoutes,
            installedRoutes: status.installedRoutes, sessions: sessions)
    }
}
