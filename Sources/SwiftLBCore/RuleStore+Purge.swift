/// Deferred conntrack purge: a deleted rule leaves the datapath's maps at once (no new flow reaches
/// it), but the sweep that deletes its tracked flows touches the whole conntrack table (about 5 ms
/// at the default size), so deletes share one: it runs `purgeDelay` after the first delete of a
/// burst, for every rule deleted by then. Until their flows are gone the ids stay quarantined in
/// the table, so no new rule inherits flows, counters or persistence entries.
extension RuleStore {
    /// Schedules the purge of `ids` (already retired from the datapath and quarantined).
    func retire(_ ids: Set<UInt32>) {
        guard !ids.isEmpty else { return }
        retiredIDs.formUnion(ids)
        guard !purging else { return }
        purging = true
        Task { await self.purgeLoop() }
    }

    private func purgeLoop() async {
        while !retiredIDs.isEmpty {
            try? await Task.sleep(for: purgeDelay)
            if !(await purgeRetiredNow()) { try? await Task.sleep(for: .seconds(1)) }
        }
        purging = false
    }

    /// Purges every retired id now and frees those whose purge succeeded; a failed purge keeps
    /// them quarantined and is retried by the next round. False when it failed.
    @discardableResult
    func purgeRetiredNow() async -> Bool {
        let ids = retiredIDs
        guard !ids.isEmpty else { return true }
        retiredIDs.removeAll()
        do {
            try await reconciler.purge(serviceIDs: ids)
            table.release(ids)
            return true
        } catch {
            retiredIDs.formUnion(ids)
            logger.error(
                "deleting the tracked flows of deleted rules failed; their ids stay reserved and the purge is retried",
                metadata: ["ids": "\(ids.count)", "error": "\(error)"])
            return false
        }
    }
}
