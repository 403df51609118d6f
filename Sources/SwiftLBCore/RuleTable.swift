/// The committed rule set and the decisions that depend on it: conflicts, names, free slots.
///
/// A plain value, so `RuleStore` can compute a change, apply it to the datapath and the config
/// store, and only then commit it here.
struct RuleTable: Sendable {
    /// What creating a rule amounts to.
    enum Change: Sendable, Equatable {
        /// The identical rule exists; nothing to do.
        case unchanged
        /// A new rule in a free slot.
        case add(InstalledRule)
        /// New endpoints (or name-compatible fields) for an existing rule, in its slot.
        case replace(old: InstalledRule, new: InstalledRule)
    }

    let maxServices: Int
    let maxServiceKeys: Int
    private(set) var rules: [ServiceKey: InstalledRule] = [:]
    /// Which rule (by its key) owns each match key: every port of a range and every secondary VIP.
    private(set) var keyOwners: [ServiceKey: ServiceKey] = [:]
    /// The service ids in use, so that adding a rule costs the same among 10,000 as among 10.
    private var usedIDs: Set<UInt32> = []
    /// No id below this one is free (ids are handed out lowest first).
    private var lowestFreeID: UInt32 = 0
    /// Ids of deleted rules whose tracked flows the datapath still holds: in use until `release`,
    /// so that no new rule inherits their flows, counters or persistence entries.
    private(set) var quarantined: Set<UInt32> = []
    /// Grows with every commit and drop, so callers can cache what they derive from the rules.
    private(set) var version = 0
    /// Keys of the rules that monitor their endpoints, and a version that grows when one of them
    /// is committed or dropped: probe targets derive from these rules only, so creating thousands
    /// of unmonitored rules never makes the prober recompute them.
    private(set) var monitoredKeys: Set<ServiceKey> = []
    private(set) var monitoredVersion = 0
    /// The fullproxy rules on each listener (host-less key of every match key): they share it by host.
    private(set) var proxyRules: [ServiceKey: Set<ServiceKey>] = [:]

    /// Without `maxServiceKeys`, the match map the datapath sizes for `maxServices` services.
    init(maxServices: Int, maxServiceKeys: Int? = nil) {
        self.maxServices = maxServices
        self.maxServiceKeys = maxServiceKeys ?? DatapathCapacity.serviceKeys(forServices: maxServices)
    }

    /// The rules sorted by key.
    var sorted: [InstalledRule] { rules.keys.sorted().compactMap { rules[$0] } }

    /// The services these rules program.
    var services: [DatapathService] { sorted.map(\.service) }

    mutating func commit(_ installed: InstalledRule) {
        drop(installed.rule.key)
        rules[installed.rule.key] = installed
        for matchKey in installed.service.matchKeys { keyOwners[matchKey] = installed.rule.key }
        if installed.rule.mode == .fullProxy {
            for matchKey in installed.service.matchKeys {
                proxyRules[matchKey.listenerKey, default: []].insert(installed.rule.key)
            }
        }
        usedIDs.insert(installed.serviceID)
        quarantined.remove(installed.serviceID)
        while usedIDs.contains(lowestFreeID) { lowestFreeID += 1 }
        version += 1
        if installed.rule.entry.serviceArguments.monitor {
            monitoredKeys.insert(installed.rule.key)
            monitoredVersion += 1
        }
    }

    /// Removes the rule of `key`. With `quarantine` its id stays taken until `release` (its flows
    /// are still tracked); without, it is free at once.
    mutating func drop(_ key: ServiceKey, quarantine: Bool = false) {
        guard let old = rules.removeValue(forKey: key) else { return }
        for matchKey in old.service.matchKeys {
            keyOwners[matchKey] = nil
            guard old.rule.mode == .fullProxy else { continue }
            proxyRules[matchKey.listenerKey]?.remove(key)
            if proxyRules[matchKey.listenerKey]?.isEmpty == true { proxyRules[matchKey.listenerKey] = nil }
        }
        if quarantine {
            quarantined.insert(old.serviceID)
        } else {
            usedIDs.remove(old.serviceID)
            lowestFreeID = min(lowestFreeID, old.serviceID)
        }
        version += 1
        if monitoredKeys.remove(key) != nil { monitoredVersion += 1 }
    }

    /// Takes `ids` out of use until `release` (a new table inheriting the old one's quarantine).
    mutating func quarantine(_ ids: Set<UInt32>) {
        usedIDs.formUnion(ids)
        quarantined.formUnion(ids)
    }

    /// Frees quarantined ids once the datapath no longer tracks flows of them.
    mutating func release(_ ids: Set<UInt32>) {
        for id in ids where quarantined.remove(id) != nil {
            usedIDs.remove(id)
            lowestFreeID = min(lowestFreeID, id)
        }
    }

    /// Decides what creating `rule` means: 409 on conflicts, 507 when no slot is free.
    func change(for rule: LBRule) throws(APIError) -> Change {
        try checkMatchKeysAreFree(rule)
        guard let old = rules[rule.key] else {
            return .add(InstalledRule(serviceID: try freeID(for: rule.key), rule: rule))
        }
        if old.rule == rule { return .unchanged }
        try checkCompatible(old: old.rule, new: rule)
        return .replace(old: old, new: InstalledRule(serviceID: old.serviceID, rule: rule))
    }

    /// The rules `selector` matches, sorted by key: one lookup when it names a rule's key, so that
    /// deleting one rule among 10,000 costs what it costs among 10.
    func matching(_ selector: RuleSelector) throws(APIError) -> [InstalledRule] {
        let (key, matches) = try selector.matcher()
        if let key { return rules[key].map { matches($0.rule) ? [$0] : [] } ?? [] }
        return sorted.filter { matches($0.rule) }
    }

    /// 409 when another rule already matches one of `rule`'s ports or VIPs; 507 when the datapath's
    /// match table would overflow.
    func checkMatchKeysAreFree(_ rule: LBRule) throws(APIError) {
        let wanted = rule.datapathService(id: 0).matchKeys
        for matchKey in wanted {
            guard let owner = keyOwners[matchKey], owner != rule.key else { continue }
            throw .conflict(
                "\(matchKey) is already served by the rule for \(owner); port ranges and secondary IPs of rules "
                    + "on the same protocol must not overlap, so change the ports or delete that rule first",
                fields: ["serviceArguments.port", "serviceArguments.portMax", "secondaryIPs"])
        }
        try checkListenerSharing(rule, wanted: wanted)
        let kept = keyOwners.count - (rules[rule.key]?.service.matchKeys.count ?? 0)
        guard kept + wanted.count <= maxServiceKeys else {
            throw .insufficientStorage(
                "\(rule.key) needs \(wanted.count) entries of the datapath's service match table, but only "
                    + "\(maxServiceKeys - kept) of \(maxServiceKeys) are free; use narrower port ranges or fewer "
                    + "secondary IPs, or delete unused rules",
                fields: ["serviceArguments.portMax", "secondaryIPs"])
        }
    }

    /// 409 when `rule` would share a listener with a rule of the other kind (the L4 datapath and the
    /// proxy cannot both own a port) or with a fullproxy rule of another `security`.
    private func checkListenerSharing(_ rule: LBRule, wanted: [ServiceKey]) throws(APIError) {
        for matchKey in wanted {
            let listener = matchKey.listenerKey
            let sharers = (proxyRules[listener] ?? []).subtracting([rule.key])
            if rule.mode != .fullProxy {
                guard let other = sharers.first else { continue }
                throw .conflict(
                    "\(listener) is served by the fullproxy rule for \(other); a datapath rule cannot share its port, "
                        + "so use another port or delete that rule first",
                    fields: ["serviceArguments.mode", "serviceArguments.port"])
            }
            if let owner = keyOwners[listener], owner.host.isEmpty, rules[owner]?.rule.mode != .fullProxy {
                throw .conflict(
                    "\(listener) is already served by the datapath rule for \(owner); use another port or delete "
                        + "that rule first",
                    fields: ["serviceArguments.mode", "serviceArguments.port"])
            }
            let security = rule.entry.serviceArguments.security
            for other in sharers {
                guard let otherRule = rules[other]?.rule,
                    otherRule.entry.serviceArguments.security != security
                else { continue }
                throw .conflict(
                    "\(listener) is served with security \(otherRule.entry.serviceArguments.security) by the rule for "
                        + "\(other); rules sharing a VIP and port must use the same security (got \(security))",
                    fields: ["serviceArguments.security"])
            }
        }
    }

    // An update may only change endpoints: a different algorithm, mode or name is another rule.
    private func checkCompatible(old: LBRule, new: LBRule) throws(APIError) {
        var differences: [(field: String, text: String)] = []
        if old.selection != new.selection {
            differences.append(("serviceArguments.sel", "sel \(old.selection.name) (requested \(new.selection.name))"))
        }
        if old.mode != new.mode {
            differences.append(("serviceArguments.mode", "mode \(old.mode.name) (requested \(new.mode.name))"))
        }
        if old.name != new.name {
            differences.append(("serviceArguments.name", "name \"\(old.name)\" (requested \"\(new.name)\")"))
        }
        guard !differences.isEmpty else { return }
        let what = differences.map(\.text).joined(separator: ", ")
        throw .conflict(
            "a rule for \(old.key) already exists with \(what); send the same sel, mode and name to update its "
                + "endpoints, or delete the rule first to change them",
            fields: differences.map(\.field))
    }

    private func freeID(for key: ServiceKey) throws(APIError) -> UInt32 {
        guard let id = (Int(lowestFreeID)..<maxServices).first(where: { !usedIDs.contains(UInt32($0)) }) else {
            throw .insufficientStorage(
                "all \(maxServices) service slots are in use, so \(key) cannot be added; delete unused rules first",
                fields: ["serviceArguments"])
        }
        return UInt32(id)
    }
}
