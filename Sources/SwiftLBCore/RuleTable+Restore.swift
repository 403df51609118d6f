extension RuleTable {
    /// Rebuilds the table from stored records, re-validating each one.
    ///
    /// A record that no longer validates, or that clashes with another, stops the restore: dropping
    /// it silently would lose acknowledged config, so the operator must decide.
    init(records: [ConfigRecord], maxServices: Int, maxEndpoints: Int) throws(APIError) {
        self.init(maxServices: maxServices)
        var names: [String: ServiceKey] = [:]
        var ids: [UInt32: ServiceKey] = [:]
        for record in records {
            let rule: LBRule
            // Older versions stored weights up to 65535; loxilb's (and now SwiftLB's) limit is 255.
            var entry = record.entry
            for index in entry.endpoints.indices where entry.endpoints[index].weight > 255 {
                entry.endpoints[index].weight = 255
            }
            do {
                rule = try RuleValidator.validate(entry, maxEndpoints: maxEndpoints)
            } catch {
                throw Self.damaged(record, "its entry no longer validates (\(error.message))")
            }
            guard rule.key == record.key else {
                throw Self.damaged(record, "its entry describes \(rule.key)")
            }
            guard Int(record.serviceID) < maxServices else {
                throw Self.damaged(record, "its service id \(record.serviceID) is not below \(maxServices)")
            }
            if let other = ids.updateValue(record.key, forKey: record.serviceID) {
                throw Self.damaged(record, "its service id \(record.serviceID) is also used by \(other)")
            }
            if !rule.name.isEmpty, let other = names.updateValue(record.key, forKey: rule.name) {
                throw Self.damaged(record, "its name \"\(rule.name)\" is also used by \(other)")
            }
            do {
                try checkMatchKeysAreFree(rule)
            } catch {
                throw Self.damaged(record, "it overlaps another stored rule (\(error.message))")
            }
            commit(InstalledRule(serviceID: record.serviceID, rule: rule))
        }
    }

    private static func damaged(_ record: ConfigRecord, _ problem: String) -> APIError {
        .internalError(
            "the stored rule for \(record.key) cannot be restored: \(problem); fix or delete that record in the "
                + "config database, then restart")
    }
}
