/// One API change of the rule set, validated on its own and waiting for the next batch.
enum RuleChange: Sendable {
    /// Create or update (`oper` 0).
    case put(LBRule)
    /// Attach or detach endpoints: merged with the rule in place when the batch runs.
    case endpoints(LBRule, EndpointOperation)
    /// Delete what the selector matches (404 when nothing).
    case delete(RuleSelector)
    /// Delete every rule.
    case deleteAll
}

/// A queued change and the caller waiting for its answer.
struct PendingChange: Sendable {
    var change: RuleChange
    var answer: CheckedContinuation<Result<Void, APIError>, Never>
}

/// What a batch did to the rule table so far, to persist it in one transaction or to undo it
/// (the reconciler keeps the datapath's side).
struct BatchJournal {
    /// Each key's rule before the batch touched it (nil: none), first touch only.
    var before: [ServiceKey: InstalledRule?] = [:]
    /// Ids the batch's deletes quarantined (purged once persisted).
    var retired: Set<UInt32> = []
    /// Log lines for after the commit.
    var done: [(message: String, rule: InstalledRule)] = []

    mutating func touch(_ key: ServiceKey, in table: RuleTable) {
        if before[key] == nil { before[key] = .some(table.rules[key]) }
    }
}

/// Group commit: changes that arrive while a batch is being applied wait, then go together. A
/// batch hands the reconciler change by change (each validated against the rules as the changes
/// before it left them, each failing alone), then persists every change that succeeded in one
/// transaction, and only then answers: a 200 is durable when it is sent. When that transaction
/// fails, the batch's datapath writes and table changes are undone and every change of it fails.
extension RuleStore {
    /// Queues `change` and waits for the batch that applies it.
    func submit(_ change: RuleChange) async throws(APIError) {
        let result = await withCheckedContinuation { (answer: CheckedContinuation<Result<Void, APIError>, Never>) in
            pending.append(PendingChange(change: change, answer: answer))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
        try result.get()
    }

    /// Applies queued changes batch after batch until none is left.
    private func drain() async {
        await acquire()
        while !pending.isEmpty {
            // Lets requests that are being parsed join this batch (fewer transactions and fsyncs).
            await Task.yield()
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            let results = await apply(batch.map(\.change))
            for (item, result) in zip(batch, results) { item.answer.resume(returning: result) }
        }
        draining = false
        release()
    }

    /// Applies one batch (the caller holds the lock); one result per change, in order.
    func apply(_ changes: [RuleChange]) async -> [Result<Void, APIError>] {
        var journal = BatchJournal()
        reconciler.begin()
        var results: [Result<Void, APIError>] = []
        results.reserveCapacity(changes.count)
        for change in changes {
            do {
                try await apply(change, &journal)
                results.append(.success(()))
            } catch {
                results.append(.failure(error))
            }
        }
        guard !journal.before.isEmpty else {
            reconciler.commit()
            return results
        }
        var saving: [ConfigRecord] = []
        var deleting: [ServiceKey] = []
        for key in journal.before.keys.sorted() {
            if let installed = table.rules[key] { saving.append(installed.record) } else { deleting.append(key) }
        }
        do {
            try await config.commit(saving: saving, deleting: deleting)
        } catch {
            let undone = await rollBack(after: error)
            for (key, previous) in journal.before {
                if let previous { table.commit(previous) } else { table.drop(key) }
            }
            // A rule both added and deleted by this batch: its id goes through the purge like any.
            retire(journal.retired.intersection(table.quarantined))
            let failure = APIError.internalError(
                "saving the change to the config store failed (\(error)); \(undone). Check that the config database "
                    + "is writable and retry")
            return results.map { result in result.flatMap { .failure(failure) } }
        }
        reconciler.commit()
        for (message, installed) in journal.done {
            logger.info(
                "\(message)",
                metadata: [
                    "rule": "\(installed.rule.key)", "id": "\(installed.serviceID)", "name": "\(installed.rule.name)",
                ])
        }
        retire(journal.retired)
        feed.publish()
        return results
    }

    private func apply(_ change: RuleChange, _ journal: inout BatchJournal) async throws(APIError) {
        switch change {
        case .put(let rule):
            try await put(rule, &journal)
        case .endpoints(let request, let operation):
            guard let merged = try operation.merge(request: request, into: table.rules[request.key]?.rule) else {
                return
            }
            try await put(try RuleValidator.validate(merged, maxEndpoints: maxEndpoints), &journal)
        case .delete(let selector):
            let matches = try table.matching(selector)
            guard !matches.isEmpty else {
                throw .notFound(
                    "no load-balancer rule \(selector.summary) exists; list the rules with GET "
                        + "/netlox/v1/config/loadbalancer/all")
            }
            try await remove(matches, &journal)
        case .deleteAll:
            try await remove(table.sorted, &journal)
        }
    }

    private func put(_ rule: LBRule, _ journal: inout BatchJournal) async throws(APIError) {
        let old: InstalledRule?
        let new: InstalledRule
        switch try table.change(for: rule) {
        case .unchanged: return
        case .add(let added): (old, new) = (nil, added)
        case .replace(let replaced, let replacement): (old, new) = (replaced, replacement)
        }
        do {
            try await reconciler.sync(service(of: new))
        } catch {
            logger.error("datapath upsert failed", metadata: ["rule": "\(new.rule.key)", "error": "\(error)"])
            if error.isLimit {
                throw .insufficientStorage(
                    "the datapath has no room for \(new.rule.key) (\(error)); nothing was changed")
            }
            throw .internalError(
                "the datapath refused \(new.rule.key) (\(error)); nothing was changed. Check the daemon log and retry")
        }
        journal.touch(new.rule.key, in: table)
        table.commit(new)
        journal.done.append((old == nil ? "rule created" : "rule updated", new))
    }

    private func remove(_ rules: [InstalledRule], _ journal: inout BatchJournal) async throws(APIError) {
        guard let first = rules.first else { return }
        let what = rules.count == 1 ? "\(first.rule.key)" : "\(rules.count) rules"
        do {
            try await reconciler.retire(rules.map { (key: $0.rule.key, id: $0.serviceID) })
        } catch {
            logger.error("datapath remove failed", metadata: ["rules": "\(what)", "error": "\(error)"])
            throw .internalError(
                "the datapath could not remove \(what) (\(error)); it was put back, so nothing was changed. Check the "
                    + "daemon log and retry")
        }
        for installed in rules {
            journal.touch(installed.rule.key, in: table)
            table.drop(installed.rule.key, quarantine: true)
            journal.retired.insert(installed.serviceID)
            journal.done.append(("rule deleted", installed))
        }
    }
}
