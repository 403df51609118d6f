/// The firewall's desired state: validated rules, their lookup tables, persisted and pushed to the
/// datapath. Every change is checked completely first and undone when the store or the datapath
/// refuses it, so that an error changes nothing.
public actor FirewallStore {
    private let persistence: any FirewallConfigStore
    private let datapath: any FirewallDatapath
    private var tables = FirewallTables()
    private var rules: [FirewallRuleArguments: (id: UInt32, rule: FirewallRule)] = [:]
    private var freeIDs: [UInt32] = []
    private var nextID: UInt32 = 1

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
            let change = try tables.add(
                rule, id: id, ifindex: datapath.interfaceIndex(rule.inPort), redirectIndex: redirectIndex(rule))
            delta.merge(change)
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
    public func add(_ entry: FirewallEntry) async throws(APIError) {
        let rule = try FirewallValidator.rule(from: entry)
        guard rules[rule.key] == nil else {
            throw APIError(status: 409, message: "this firewall rule exists (same match and preference)")
        }
        guard rules.count < FirewallTables.maxRules - 1 else {
            throw APIError(
                status: 507, message: "the firewall holds its maximum of \(FirewallTables.maxRules - 1) rules")
        }
        if case .redirect(let port) = rule.action, datapath.interfaceIndex(port) == nil {
            throw .badRequest(field: "opts.redirectPortName", message: "there is no interface named \(port)")
        }
        let id = freeIDs.popLast() ?? nextID
        if id == nextID { nextID += 1 }
        let delta: FirewallTables.Delta
        do throws(APIError) {
            delta = try tables.add(
                rule, id: id, ifindex: datapath.interfaceIndex(rule.inPort), redirectIndex: redirectIndex(rule))
        } catch {
            freeIDs.append(id)
            throw error
        }
        do {
            try await persistence.saveFirewall([StoredFirewallRule(id: Int(id), entry: rule.entry)])
        } catch {
            _ = tables.remove(id: id)
            freeIDs.append(id)
            throw APIError(status: 500, message: "storing the firewall rule failed: \(error)")
        }
        do {
            try await datapath.applyFirewall(delta, resetCounters: [id])
        } catch {
            let failure = DatapathError(error)
            // Puts back whatever part of the change reached the datapath.
            try? await datapath.applyFirewall(tables.remove(id: id), resetCounters: [])
            try? await persistence.deleteFirewall(id: Int(id))
            freeIDs.append(id)
            throw APIError(
                status: failure.isLimit ? 507 : 500, message: "the datapath refused the firewall rule: \(failure)")
        }
        rules[rule.key] = (id, rule)
    }

    /// Deletes the rule `args` names (canonicalised as in `add`): 400 bad input, 404 no such rule.
    public func delete(_ args: FirewallRuleArguments) async throws(APIError) {
        let key = try FirewallValidator.canonicalKey(args)
        guard let (id, rule) = rules[key] else {
            throw APIError.notFound(
                "no firewall rule matches \(key.sourceIP) -> \(key.destinationIP) with these fields")
        }
        do {
            try await persistence.deleteFirewall(id: Int(id))
        } catch {
            throw APIError(status: 500, message: "removing the firewall rule from the store failed: \(error)")
        }
        let delta = tables.remove(id: id)
        rules[key] = nil
        freeIDs.append(id)
        do {
            try await datapath.applyFirewall(delta, resetCounters: [])
        } catch {
            // The rule is gone from the desired state; say so, the next change rewrites the entries.
            throw APIError(status: 500, message: "rule \(rule.key.sourceIP) deleted, but the datapath failed: \(error)")
        }
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
    }
}
