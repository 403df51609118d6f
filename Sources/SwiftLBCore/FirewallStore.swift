/// The firewall's desired state: validated rules, their lookup tables, persisted and pushed to the
/// datapath. Every change is checked completely first and undone when the store or the datapath
/// refuses it, so that an error changes nothing. Changes are applied one batch at a time, in the
/// order they arrived, so that the datapath sees the tables' deltas in the order they were made.
public actor FirewallStore {
    let persistence: any FirewallConfigStore
    let datapath: any FirewallDatapath
    var tables = FirewallTables()
    var rules: [FirewallRuleArguments: (id: UInt32, rule: FirewallRule)] = [:]
    var freeIDs: [UInt32] = []
    var nextID: UInt32 = 1
    /// Changes waiting for the next batch, and whether a batch runs.
    var pending: [PendingFirewallChange] = []
    var draining = false
    /// This daemon is an HA BACKUP: onDefault SNAT rules are kept but not installed.
    var standby = false

    /// A store over `persistence` and `datapath`; call `restore()` before serving.
    public init(persistence: any FirewallConfigStore, datapath: any FirewallDatapath) {
        self.persistence = persistence
        self.datapath = datapath
    }

    /// Number of rules.
    public var count: Int { rules.count }

    /// Loads the stored rules into the tables and the datapath; returns how many.
    @discardableResult
    public func restore() async throws -> Int {
        let stored = try await persistence.loadFirewall()
        var delta = FirewallTables.Delta()
        var ids: [UInt32] = []
        for item in stored {
            let rule = try FirewallValidator.rule(from: item.entry)
            let id = UInt32(item.id)
            delta.merge(try install(rule, id: id))
            rules[rule.key] = (id, rule)
            ids.append(id)
            nextID = max(nextID, id + 1)
        }
        let used = Set(ids)
        freeIDs = (1..<nextID).filter { !used.contains($0) }.reversed()
        try await datapath.applyFirewall(delta, resetCounters: ids)
        return stored.count
    }

    /// Adds the rule `entry` describes: 400 bad input, 409 the same rule exists, 507 a limit.
    /// Adds that arrive together share one durable write (FirewallStore+Batch).
    public func add(_ entry: FirewallEntry) async throws(APIError) {
        try await submit(.add(try FirewallValidator.rule(from: entry)))
    }

    /// Deletes the rule `args` names (canonicalised as in `add`): 400 bad input, 404 no such rule.
    public func delete(_ args: FirewallRuleArguments) async throws(APIError) {
        try await submit(.delete(try FirewallValidator.canonicalKey(args)))
    }

    /// Every rule, sorted as loxicmd sorts them, with "packets:bytes" counters.
    public func entries() async -> [FirewallEntry] {
        let counters = (try? await datapath.firewallCounters(ids: rules.values.map(\.id))) ?? [:]
        return rules.values.sorted { $0.id < $1.id }.map { id, rule in
            var entry = rule.entry
            let counter = counters[id] ?? FirewallCounter(packets: 0, bytes: 0)
            entry.opts.counter = "\(counter.packets):\(counter.bytes)"
            return entry
        }
    }
}

extension FirewallStore {
    /// The ifindex a redirect rule sends to (nil: not a redirect, or no such interface now).
    nonisolated func redirectIndex(_ rule: FirewallRule) -> UInt32? {
        guard case .redirect(let port) = rule.action else { return nil }
        return datapath.interfaceIndex(port)
    }
}

extension FirewallTables.Delta {
    /// Folds `later` into this delta as if both were applied in order.
    public mutating func merge(_ later: FirewallTables.Delta) {
        for (key, value) in later.upserts {
            upserts[key] = value
            removals.remove(key)
        }
        for key in later.removals {
            upserts[key] = nil
            removals.insert(key)
        }
        if let tuples = later.tuples { self.tuples = tuples }
        if let on = later.everyPacket { everyPacket = on }
    }
}
