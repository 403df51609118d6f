extension RuleStore {
    /// The service ids of the installed rules by rule name (rules without a name are left out),
    /// for policies attached to LB rules.
    public func serviceIDsByName() -> [String: [UInt32]] {
        var result: [String: [UInt32]] = [:]
        for installed in table.rules.values where !installed.rule.name.isEmpty {
            result[installed.rule.name, default: []].append(installed.serviceID)
        }
        return result
    }
}
