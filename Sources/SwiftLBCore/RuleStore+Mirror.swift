extension RuleStore {
    /// The service ids of the rules `name` selects, for mirrors attached to LB rules: every rule
    /// named `name`, or the rule whose key reads `name` ("20.20.20.1:80/tcp"), sorted.
    public func serviceIDs(selectedBy name: String) -> [UInt32] {
        let key = ServiceKey(text: name)
        return table.rules.values.filter { $0.rule.name == name || $0.rule.key == key }.map(\.serviceID).sorted()
    }
}
