import Logging
import SwiftLBCore
import Synchronization

/// The daemon's BFD sessions: what loxilb's `/config/bfd` API configures, persisted, and run by a
/// `BFDEndpoint` that starts with the first session. State changes are logged and published on
/// `changes`, which HA takeover will follow.
public actor BFDManager: BFDControl {
    let store: any BFDConfigStore
    let logger: Logger
    let listenPort: UInt16
    let peerPort: UInt16
    private var configs: [String: BFDSessionConfig] = [:]
    private var endpoint: BFDEndpoint?
    /// A new version after every state change of any session.
    public nonisolated let changes = StateFeed()
    /// Which sessions are Up, and which detected a failure; kept by the endpoint's thread.
    private nonisolated let verdicts = BFDVerdicts()

    /// `listenPort` and `peerPort` are RFC 5881's 3784 except in tests.
    public init(store: any BFDConfigStore, logger: Logger, listenPort: UInt16 = 3784, peerPort: UInt16 = 3784) {
        self.store = store
        self.logger = logger
        self.listenPort = listenPort
        self.peerPort = peerPort
    }

    /// Starts the stored sessions; one that cannot start is logged and left configured.
    public func restore() async throws(ConfigStoreError) {
        for config in try await store.loadBFD() {
            configs[config.remoteIp] = config
            do {
                try start(config)
            } catch {
                logger.error("cannot start BFD session", metadata: ["peer": "\(config.remoteIp)", "error": "\(error)"])
            }
        }
        if !configs.isEmpty { logger.info("restored BFD sessions", metadata: ["sessions": "\(configs.count)"]) }
    }

    public func add(_ request: BFDSessionConfig) async throws(APIError) {
        let config = try request.validated()
        if let existing = configs[config.remoteIp] {
            guard existing.instance == config.instance else {
                throw .conflict(
                    "\(config.remoteIp) already has a BFD session of instance \(existing.instance); delete it first "
                        + "(DELETE /netlox/v1/config/bfd/remoteIP/\(config.remoteIp))",
                    fields: ["remoteIp"])
            }
            if existing == config { return }
        }
        do {
            try await store.saveBFD(config)
        } catch {
            throw .internalError(
                "saving BFD session \(config.remoteIp) failed (\(error)); nothing was changed. Check that the config "
                    + "database is writable and retry")
        }
        let previous = configs[config.remoteIp]
        configs[config.remoteIp] = config
        do {
            try start(config)
        } catch {
            configs[config.remoteIp] = previous
            if let previous {
                try? await store.saveBFD(previous)
            } else {
                try? await store.deleteBFD(remoteIp: config.remoteIp)
            }
            throw .internalError("cannot run BFD session \(config.remoteIp) (\(error)); nothing was changed")
        }
        logger.info(
            "BFD session configured",
            metadata: [
                "peer": "\(config.remoteIp)", "instance": "\(config.instance)", "interval-us": "\(config.interval)",
                "retries": "\(config.retryCount)",
            ])
    }

    public func delete(remoteIp: String, instance: String?) async throws(APIError) {
        guard let address = IPAddress(remoteIp) else {
            throw .badRequest(field: "remoteIP", message: "remoteIP \"\(remoteIp)\" is not an IP address")
        }
        let key = address.description
        guard let config = configs[key], instance.map({ $0.isEmpty || $0 == config.instance }) ?? true else {
            throw .notFound(
                "no BFD session with \(remoteIp)\(instance.map { " in instance \($0)" } ?? ""); list them with GET "
                    + "/netlox/v1/config/bfd/all",
                fields: ["remoteIP"])
        }
        do {
            try await store.deleteBFD(remoteIp: key)
        } catch {
            throw .internalError(
                "deleting BFD session \(key) failed (\(error)); it is unchanged. Check that the config database is "
                    + "writable and retry")
        }
        configs[key] = nil
        verdicts.forget(address)
        endpoint?.remove(peer: address)
        logger.info("BFD session deleted", metadata: ["peer": "\(key)"])
    }

    public func sessions() -> [BFDSessionEntry] {
        let states = Dictionary(
            (endpoint?.statuses() ?? []).map { ($0.peer.description, $0.state) },
            uniquingKeysWith: { first, _ in first })
        // Validated configs hold valid addresses; by address, so 10.0.0.9 comes before 10.0.0.10.
        let byAddress = { (config: BFDSessionConfig) in IPAddress(config.remoteIp) ?? .v4(0) }
        return configs.values.sorted { byAddress($0) < byAddress($1) }
            .map { config in
                BFDSessionEntry(
                    config: config, port: Int(peerPort), state: "BFD\(states[config.remoteIp] ?? .down)")
            }
    }

    /// The peers whose session detected a failure (was Up, is no longer); a session that never
    /// came Up is no verdict either way.
    public nonisolated func failedPeers() -> Set<IPAddress> {
        verdicts.state.withLock { $0.failed }
    }

    /// The peers whose session is Up now.
    public nonisolated func upPeers() -> Set<IPAddress> {
        verdicts.state.withLock { $0.up }
    }

    /// Stops sending (daemon shutdown); peers notice by detection time.
    public func stop() {
        endpoint?.stop()
        endpoint = nil
    }

    private func start(_ config: BFDSessionConfig) throws {
        guard let peer = IPAddress(config.remoteIp) else { return }
        let endpoint = try self.endpoint ?? makeEndpoint()
        self.endpoint = endpoint
        try endpoint.add(
            peer: peer,
            settings: BFDSession.Settings(
                interval: .microseconds(config.interval), detectMultiplier: UInt8(clamping: config.retryCount)))
    }

    private func makeEndpoint() throws -> BFDEndpoint {
        let logger = logger
        let changes = changes
        let verdicts = verdicts
        return try BFDEndpoint(listenPort: listenPort, peerPort: peerPort) { peer, transition in
            let level: Logger.Level = transition.to == .up ? .notice : .warning
            verdicts.record(peer, transition)
            logger.log(
                level: level, "BFD session \(transition.to)",
                metadata: [
                    "peer": "\(peer)", "from": "\(transition.from)", "diagnostic": "\(transition.diagnostic)",
                ])
            changes.publish()
        }
    }
}

/// Which BFD sessions are Up and which detected a failure, written by the endpoint's thread.
final class BFDVerdicts: Sendable {
    struct State {
        /// Sessions Up now.
        var up: Set<IPAddress> = []
        /// Sessions that were Up and went Down (a detected failure), until they are Up again; a
        /// session that never came Up is no verdict either way.
        var failed: Set<IPAddress> = []
    }

    let state = Mutex(State())

    func record(_ peer: IPAddress, _ transition: BFDSession.Transition) {
        state.withLock { state in
            if transition.to == .up {
                state.up.insert(peer)
                state.failed.remove(peer)
            } else {
                state.up.remove(peer)
                if transition.from == .up { state.failed.insert(peer) }
            }
        }
    }

    func forget(_ peer: IPAddress) {
        state.withLock { state in
            state.up.remove(peer)
            state.failed.remove(peer)
        }
    }
}
