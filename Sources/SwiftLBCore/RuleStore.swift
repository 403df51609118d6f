import Logging

/// The desired load-balancer state, and the API's only way to change it.
///
/// Every change is validated completely, then handed to the reconciler (the datapath's only
/// writer) with health applied, then persisted; if a later step fails the earlier ones are undone,
/// so a failed call changes nothing. Every change that took effect publishes a new version of the
/// desired state (`feed`, `desiredState()`). Changes run one at a time (the actor's suspension
/// points would otherwise let two creates pick the same slot); API changes that arrive together
/// share one durable write (RuleStore+Batch).
public actor RuleStore {
    let config: any ConfigStore
    /// For reads (counters, connections); every write goes through `reconciler`.
    let datapath: any Datapath
    let reconciler: Reconciler
    let logger: Logger
    let maxEndpoints: Int
    var table: RuleTable
    /// Endpoint entries, probe results and host marks (RuleStore+Health).
    var health = EndpointHealthBook()
    /// The probe targets of one version of the monitored rules and set of endpoint entries.
    var probeTargetCache: (tableVersion: Int, configured: [String: ProbeTarget], targets: [ProbeTarget])?
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// API changes waiting for the next batch, and whether a batch is running (RuleStore+Batch).
    var pending: [PendingChange] = []
    var draining = false
    /// Ids of deleted rules whose flows await the shared purge, and whether it is scheduled
    /// (RuleStore+Purge).
    var retiredIDs: Set<UInt32> = []
    var purging = false
    let purgeDelay: Duration
    /// A new version after every change of the rules, of their endpoints' health or of the endpoint
    /// entries: BGP and the prober wait on it.
    public nonisolated let feed = StateFeed()
    /// True once the restored rules are programmed (`programRestored()`): the readiness probe.
    public private(set) var isReady = false
    /// Between `restoreTable()` and `programRestored()`: the datapath is not there to read yet.
    private(set) var loadingDatapath = false
    /// Source addresses of onearm flows for IPv4 rules without their own `snatSources`
    /// (`--onearm-source`); nil leaves the datapath's choice, the interface's own address.
    private(set) var onearmSource: SNATPool?

    /// Sets `--onearm-source` (before `restoreTable()`: it shapes every onearm service written).
    public func useOnearmSource(_ pool: SNATPool?) {
        onearmSource = pool
    }

    /// Creates an empty store; call `restore()` before serving requests.
    public init(config: any ConfigStore, datapath: any Datapath, logger: Logger) {
        self.init(
            config: config, datapath: datapath, logger: logger, maxServices: Limits.maxServices,
            maxEndpoints: Limits.maxEndpointsPerService)
    }

    /// Creates an empty store with smaller limits (tests).
    init(
        config: any ConfigStore, datapath: any Datapath, logger: Logger, maxServices: Int, maxEndpoints: Int,
        purgeDelay: Duration = .milliseconds(50)
    ) {
        self.purgeDelay = purgeDelay
        self.config = config
        self.datapath = datapath
        self.reconciler = Reconciler(datapath: datapath)
        self.logger = logger
        self.maxEndpoints = maxEndpoints
        self.table = RuleTable(maxServices: maxServices)
    }

    /// Loads persisted rules and programs them; removes programmed services that are not in the config.
    public func restore() async throws {
        try await restoreTable()
        try await programRestored()
    }

    /// Loads and validates the persisted rules, which reads then list, and keeps the store locked
    /// (writes wait) until `programRestored()`: the daemon answers reads while its datapath loads.
    public func restoreTable() async throws {
        await acquire()
        do {
            let start = ContinuousClock.now
            let records = try await config.loadAll()
            let loaded = ContinuousClock.now
            table = try RuleTable(records: records, maxServices: table.maxServices, maxEndpoints: maxEndpoints)
            loadingDatapath = true
            probeTargetCache = nil  // a new table's version may equal the old one's
            logger.info(
                "loaded load-balancer rules",
                metadata: [
                    "rules": "\(table.rules.count)", "load-ms": "\(Self.milliseconds(loaded - start))",
                    "validate-ms": "\(Self.milliseconds(ContinuousClock.now - loaded))",
                ])
        } catch {
            release()
            throw error
        }
    }

    /// Programs the rules `restoreTable()` loaded (every one rewritten, so a new datapath build
    /// rewrites its tables), removes programmed services that are not among them, and unlocks.
    public func programRestored() async throws {
        defer { release() }
        let start = ContinuousClock.now
        let operations = try await reconciler.reconcile(desired: desiredServices(), reprogramUnchanged: true)
        // Flows of rules deleted just before a restart may still be tracked; no new rule may inherit them.
        try await reconciler.purge(exceptServiceIDs: Set(table.rules.values.map(\.serviceID)))
        isReady = true
        feed.publish()
        loadingDatapath = false
        logger.info(
            "programmed load-balancer rules",
            metadata: [
                "rules": "\(table.rules.count)", "datapath-operations": "\(operations.count)",
                "program-ms": "\(Self.milliseconds(ContinuousClock.now - start))",
            ])
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// Validates fully, then programs the datapath and persists; on any failure nothing changes (rollback).
    /// `serviceArguments.oper` 1 and 2 attach or detach endpoints of an existing rule instead.
    public func create(_ entry: LoadBalancerEntry) async throws(APIError) {
        let rule = try RuleValidator.validate(entry, maxEndpoints: maxEndpoints)
        guard entry.serviceArguments.oper != 0 else { return try await submit(.put(rule)) }
        guard let operation = EndpointOperation(rawValue: entry.serviceArguments.oper) else {
            throw .badRequest(
                field: "serviceArguments.oper",
                message: "serviceArguments.oper \(entry.serviceArguments.oper) is not an operation; use 0 (create), "
                    + "1 (attach) or 2 (detach)")
        }
        try await submit(.endpoints(rule, operation))
    }

    /// Deletes the matching rules; APIError 404 when nothing matches.
    public func delete(_ selector: RuleSelector) async throws(APIError) {
        try await submit(.delete(selector))
    }

    /// Deletes every rule, all at once (one durable write); succeeds when there are none. On a
    /// failure no rule is deleted.
    public func deleteAll() async throws(APIError) {
        try await submit(.deleteAll)
    }

    /// Rolls the reconciler's open batch back after `failure`; returns a clause for the error message.
    func rollBack(after failure: any Error) async -> String {
        guard let failed = await reconciler.rollback() else {
            return "the datapath change was rolled back, so nothing was changed"
        }
        logger.critical(
            "rollback failed: the datapath no longer matches the config",
            metadata: ["rollback": "\(failed)", "cause": "\(failure)"])
        return "rolling back the datapath failed too at \(failed), so restart the daemon to resynchronize it"
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
