import Logging

/// The desired load-balancer state, and the API's only way to change it.
///
/// Every change is validated completely, then programmed into the datapath, then persisted; if a
/// later step fails the earlier ones are undone, so a failed call changes nothing. Changes run one
/// at a time (the actor's suspension points would otherwise let two creates pick the same slot).
public actor RuleStore {
    let config: any ConfigStore
    let datapath: any Datapath
    let logger: Logger
    let maxEndpoints: Int
    var table: RuleTable
    /// Endpoint entries, probe results and host marks (RuleStore+Health).
    var health = EndpointHealthBook()
    /// The probe targets of one rule-table version and set of endpoint entries (the prober asks every second).
    var probeTargetCache: (tableVersion: Int, configured: [String: ProbeTarget], targets: [ProbeTarget])?
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Creates an empty store; call `restore()` before serving requests.
    public init(config: any ConfigStore, datapath: any Datapath, logger: Logger) {
        self.init(
            config: config, datapath: datapath, logger: logger, maxServices: Limits.maxServices,
            maxEndpoints: Limits.maxEndpointsPerService)
    }

    /// Creates an empty store with smaller limits (tests).
    init(config: any ConfigStore, datapath: any Datapath, logger: Logger, maxServices: Int, maxEndpoints: Int) {
        self.config = config
        self.datapath = datapath
        self.logger = logger
        self.maxEndpoints = maxEndpoints
        self.table = RuleTable(maxServices: maxServices)
    }

    /// Loads persisted rules and programs them; removes programmed services that are not in the config.
    public func restore() async throws {
        await acquire()
        defer { release() }
        let clock = ContinuousClock()
        let start = clock.now
        let records = try await config.loadAll()
        let loaded = clock.now
        let restored = try RuleTable(records: records, maxServices: table.maxServices, maxEndpoints: maxEndpoints)
        let validated = clock.now
        let operations = try await Reconciler(datapath: datapath)
            .reconcile(desired: restored.services, reprogramUnchanged: true)
        table = restored
        probeTargetCache = nil  // a new table's version may equal the old one's
        func ms(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant) -> String {
            "\((to - from).components.attoseconds / 1_000_000_000_000_000 + (to - from).components.seconds * 1000)"
        }
        logger.info(
            "restored load-balancer rules",
            metadata: [
                "rules": "\(restored.rules.count)", "datapath-operations": "\(operations.count)",
                "load-ms": "\(ms(start, loaded))", "validate-ms": "\(ms(loaded, validated))",
                "program-ms": "\(ms(validated, clock.now))",
            ])
    }

    /// Validates fully, then programs the datapath and persists; on any failure nothing changes (rollback).
    /// `serviceArguments.oper` 1 and 2 attach or detach endpoints of an existing rule instead.
    public func create(_ entry: LoadBalancerEntry) async throws(APIError) {
        if entry.serviceArguments.oper != 0 { return try await changeEndpoints(entry) }
        let rule = try RuleValidator.validate(entry, maxEndpoints: maxEndpoints)
        await acquire()
        defer { release() }
        switch try table.change(for: rule) {
        case .unchanged:
            return
        case .add(let new):
            try await install(new, replacing: nil)
        case .replace(let old, let new):
            try await install(new, replacing: old)
        }
    }

    /// Deletes the matching rules; APIError 404 when nothing matches.
    public func delete(_ selector: RuleSelector) async throws(APIError) {
        await acquire()
        defer { release() }
        let matches = try table.matching(selector)
        guard !matches.isEmpty else {
            throw .notFound(
                "no load-balancer rule \(selector.summary) exists; list the rules with GET "
                    + "/netlox/v1/config/loadbalancer/all")
        }
        try await uninstall(matches)
    }

    /// Deletes every rule, all at once (one datapath sweep, one durable write); succeeds when there are
    /// none. On a failure no rule is deleted.
    public func deleteAll() async throws(APIError) {
        await acquire()
        defer { release() }
        try await uninstall(table.sorted)
    }

    func install(_ new: InstalledRule, replacing old: InstalledRule?) async throws(APIError) {
        do {
            try await datapath.upsert(service(of: new))
        } catch {
            logger.error("datapath upsert failed", metadata: ["rule": "\(new.rule.key)", "error": "\(error)"])
            if let failure = error as? any DatapathFailure, failure.isLimit {
                throw .insufficientStorage(
                    "the datapath has no room for \(new.rule.key) (\(error)); nothing was changed")
            }
            throw .internalError(
                "the datapath refused \(new.rule.key) (\(error)); nothing was changed. Check the daemon log and retry")
        }
        do {
            try await config.save(new.record)
        } catch {
            let reversal: ReconcileOperation =
                old.map { .upsert(service(of: $0)) } ?? .remove(key: new.rule.key, id: new.serviceID)
            let undone = await undo([reversal], after: error)
            throw .internalError(
                "saving \(new.rule.key) to the config store failed (\(error)); \(undone). Check that the config "
                    + "database is writable and retry")
        }
        table.commit(new)
        logger.info(
            old == nil ? "rule created" : "rule updated",
            metadata: ["rule": "\(new.rule.key)", "id": "\(new.serviceID)", "name": "\(new.rule.name)"])
    }

    /// Removes `rules` from the datapath, then from the config store in one write, then from the table.
    /// On a failure every one of them is programmed again and stays, so the call changes nothing.
    private func uninstall(_ rules: [InstalledRule]) async throws(APIError) {
        guard let first = rules.first else { return }
        let what = rules.count == 1 ? "\(first.rule.key)" : "\(rules.count) rules"
        let reinstall = rules.map { ReconcileOperation.upsert(service(of: $0)) }
        do {
            try await datapath.remove(rules.map { (key: $0.rule.key, id: $0.serviceID) })
        } catch {
            logger.error("datapath remove failed", metadata: ["rules": "\(what)", "error": "\(error)"])
            let undone = await undo(reinstall, after: error)
            throw .internalError(
                "the datapath could not remove \(what) (\(error)); \(undone). Check the daemon log and retry")
        }
        do {
            try await config.delete(keys: rules.map(\.rule.key))
        } catch {
            let undone = await undo(reinstall, after: error)
            throw .internalError(
                "deleting \(what) from the config store failed (\(error)); \(undone). Check that the config "
                    + "database is writable and retry")
        }
        for installed in rules {
            table.drop(installed.rule.key)
            logger.info("rule deleted", metadata: ["rule": "\(installed.rule.key)", "id": "\(installed.serviceID)"])
        }
    }

    /// Puts the datapath back after a failed step, one operation after the other, stopping at the first
    /// that fails; returns a clause for the error message.
    private func undo(_ operations: [ReconcileOperation], after failure: any Error) async -> String {
        for operation in operations {
            do {
                switch operation {
                case .upsert(let service): try await datapath.upsert(service)
                case .remove(let key, let id): try await datapath.remove(key: key, id: id)
                }
            } catch {
                logger.critical(
                    "rollback failed: the datapath no longer matches the config",
                    metadata: ["rollback": "\(operation)", "error": "\(error)", "cause": "\(failure)"])
                return "rolling back the datapath failed too (\(error)), so restart the daemon to resynchronize it"
            }
        }
        return "the datapath change was rolled back, so nothing was changed"
    }

    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    // The next waiter inherits `busy`, so no newcomer can slip in between.
    func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
