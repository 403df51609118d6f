/// One firewall change waiting for its batch.
enum FirewallChange: Sendable {
    case add(FirewallRule)
    case delete(FirewallRuleArguments)
    /// The HA role changed: onDefault SNAT rules leave the datapath on a BACKUP (FirewallStore+Standby).
    case standby(Bool)
}

/// A queued change and the caller waiting for its answer.
struct PendingFirewallChange: Sendable {
    var change: FirewallChange
    var answer: CheckedContinuation<Result<Void, APIError>, Never>
}

/// Group commit for the firewall: adds that arrive while a batch is applied wait, then go together
/// in one durable write and one datapath update (100,000 rules posted by `apply` one at a time paid
/// one fsync each: 317 s). Each add is checked against the rules as the changes before it left
/// them and fails alone (409, 507); a failed write or datapath update undoes the whole batch and
/// fails each of its adds. A delete or a standby change is a batch of its own.
extension FirewallStore {
    /// Queues `change` and waits for the batch that applies it.
    func submit(_ change: FirewallChange) async throws(APIError) {
        let result = await withCheckedContinuation { (answer: CheckedContinuation<Result<Void, APIError>, Never>) in
            pending.append(PendingFirewallChange(change: change, answer: answer))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
        try result.get()
    }

    private func drain() async {
        while !pending.isEmpty {
            // Lets requests being parsed join this batch.
            await Task.yield()
            let batch: [PendingFirewallChange]
            if case .add = pending[0].change {
                let adds = pending.prefix { if case .add = $0.change { true } else { false } }
                batch = Array(adds)
                pending.removeFirst(adds.count)
            } else {
                batch = [pending.removeFirst()]
            }
            let results = await apply(batch.map(\.change))
            for (item, result) in zip(batch, results) { item.answer.resume(returning: result) }
        }
        draining = false
    }

    private func apply(_ changes: [FirewallChange]) async -> [Result<Void, APIError>] {
        if changes.count == 1 {
            do throws(APIError) {
                switch changes[0] {
                case .delete(let key):
                    try await applyDelete(key)
                    return [.success(())]
                case .standby(let standby):
                    try await applyStandby(standby)
                    return [.success(())]
                case .add: break
                }
            } catch {
                return [.failure(error)]
            }
        }
        var results: [Result<Void, APIError>] = []
        var added: [(id: UInt32, rule: FirewallRule)] = []
        var delta = FirewallTables.Delta()
        for case .add(let rule) in changes {
            do throws(APIError) {
                let (id, change) = try insert(rule)
                added.append((id, rule))
                delta.merge(change)
                results.append(.success(()))
            } catch {
                results.append(.failure(error))
            }
        }
        guard !added.isEmpty else { return results }
        if let failure = await commit(added, delta) {
            return results.map { result in result.flatMap { .failure(failure) } }
        }
        return results
    }

    /// Puts `rule` into the tables and the rule index under a fresh id; returns the id and the
    /// tables' change. Nothing is changed when it throws.
    private func insert(_ rule: FirewallRule) throws(APIError) -> (UInt32, FirewallTables.Delta) {
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
        do throws(APIError) {
            let delta = try install(rule, id: id)
            rules[rule.key] = (id, rule)
            return (id, delta)
        } catch {
            freeIDs.append(id)
            throw error
        }
    }

    /// Persists the batch's rules in one write, then writes `delta` to the datapath; on a failure
    /// undoes both and returns the error every add of the batch gets.
    private func commit(_ added: [(id: UInt32, rule: FirewallRule)], _ delta: FirewallTables.Delta) async
        -> APIError?
    {
        do {
            try await persistence.saveFirewall(added.map { StoredFirewallRule(id: Int($0.id), entry: $0.rule.entry) })
        } catch {
            _ = forget(added)
            return APIError(status: 500, message: "storing the firewall rule failed: \(error)")
        }
        do {
            try await datapath.applyFirewall(delta, resetCounters: added.map(\.id))
        } catch {
            let failure = DatapathError(error)
            // Puts back whatever part of the change reached the datapath.
            try? await datapath.applyFirewall(forget(added), resetCounters: [])
            for item in added { try? await persistence.deleteFirewall(id: Int(item.id)) }
            return APIError(
                status: failure.isLimit ? 507 : 500, message: "the datapath refused the firewall rule: \(failure)")
        }
        return nil
    }

    /// Takes `added` out of the tables and the index again, newest first; the tables' change.
    private func forget(_ added: [(id: UInt32, rule: FirewallRule)]) -> FirewallTables.Delta {
        var delta = FirewallTables.Delta()
        for item in added.reversed() {
            delta.merge(tables.remove(id: item.id))
            rules[item.rule.key] = nil
            freeIDs.append(item.id)
        }
        return delta
    }

    private func applyDelete(_ key: FirewallRuleArguments) async throws(APIError) {
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
}
