extension RuleStore {
    /// The configured rules as they were posted (no live state), sorted by key: what an export holds.
    public func configuredEntries() -> [LoadBalancerEntry] {
        table.sorted.map(\.rule.entry)
    }

    /// The endpoint probe entries as posted, sorted by their key: the export's `endpoint` list.
    public func configuredEndpointEntries() -> [EndPointEntry] {
        health.entries.keys.sorted().compactMap { health.entries[$0] }
    }

    /// What an import changed.
    public struct ImportSummary: Sendable, Equatable {
        /// Rules that did not exist before.
        public var added: Int
        /// Rules whose key existed before (their service ids, and so their flows, are kept).
        public var kept: Int
        /// Rules that existed before and are not in the import.
        public var removed: Int
    }

    /// Replaces every rule with `entries` (loxilb's `POST /config/import`): all of them validated
    /// first, then the datapath brought to the new set, then one durable write. On any error nothing
    /// changes: the datapath is put back and the stored rules stay as they were.
    ///
    /// Errors name the entry (`loadbalancer[3].serviceArguments.port`). A rule whose key exists keeps
    /// its service id, so its established flows go on; rules left out are deleted with their flows.
    public func replaceAll(with entries: [LoadBalancerEntry]) async throws(APIError) -> ImportSummary {
        let rules = try Self.validateImport(entries, maxEndpoints: maxEndpoints)
        await acquire()
        defer { release() }
        let next = try importedTable(rules)
        let summary = ImportSummary(
            added: next.rules.keys.filter { table.rules[$0] == nil }.count,
            kept: next.rules.keys.filter { table.rules[$0] != nil }.count,
            removed: table.rules.keys.filter { next.rules[$0] == nil }.count)
        reconciler.begin()
        do {
            try await reconciler.replace(desired: next.sorted.map { service(of: $0) })
        } catch {
            reconciler.commit()  // replace rolled its own writes back
            throw .internalError("the datapath refused the import (\(error)); nothing was changed")
        }
        do {
            try await config.replaceAll(with: next.sorted.map(\.record))
        } catch {
            let undone = await rollBack(after: error)
            throw .internalError(
                "saving the imported rules failed (\(error)); \(undone). Check that the config database is writable")
        }
        reconciler.commit()
        table = next
        feed.publish()
        probeTargetCache = nil
        logger.notice(
            "configuration imported",
            metadata: ["added": "\(summary.added)", "kept": "\(summary.kept)", "removed": "\(summary.removed)"])
        return summary
    }

    /// Every entry validated as a create would be, errors naming the entry's index.
    static func validateImport(_ entries: [LoadBalancerEntry], maxEndpoints: Int) throws(APIError) -> [LBRule] {
        var rules: [LBRule] = []
        var seen: [ServiceKey: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let at = "loadbalancer[\(index)]"
            guard entry.serviceArguments.oper == 0 else {
                throw .badRequest(
                    field: "\(at).serviceArguments.oper",
                    message: "\(at): an import holds whole rules; oper (attach or detach endpoints) must be 0")
            }
            let rule: LBRule
            do {
                rule = try RuleValidator.validate(entry, maxEndpoints: maxEndpoints)
            } catch {
                throw APIError(
                    status: error.status, message: "\(at): \(error.message)", fields: error.fields.map { "\(at).\($0)" }
                )
            }
            if let first = seen.updateValue(index, forKey: rule.key) {
                throw .badRequest(
                    field: "\(at).serviceArguments",
                    message: "\(at) and loadbalancer[\(first)] are both \(rule.key); each rule may appear once")
            }
            rules.append(rule)
        }
        return rules
    }

    /// The table the import gives: existing keys keep their service ids, new ones take free ids.
    private func importedTable(_ rules: [LBRule]) throws(APIError) -> RuleTable {
        var next = RuleTable(maxServices: table.maxServices)
        // Ids of deleted rules whose flows are not purged yet stay out of reach (RuleStore+Purge).
        next.quarantine(table.quarantined)
        let indexed = Array(rules.enumerated())
        // Kept keys first, so that a new rule cannot take an id a kept one needs.
        let kept = indexed.filter { table.rules[$0.element.key] != nil }
        let added = indexed.filter { table.rules[$0.element.key] == nil }
        for (index, rule) in kept + added {
            do {
                guard case .add(let fresh) = try next.change(for: rule) else { continue }
                next.commit(table.rules[rule.key].map { InstalledRule(serviceID: $0.serviceID, rule: rule) } ?? fresh)
            } catch {
                let at = "loadbalancer[\(index)]"
                throw APIError(
                    status: error.status, message: "\(at): \(error.message)", fields: error.fields.map { "\(at).\($0)" }
                )
            }
        }
        return next
    }
}
