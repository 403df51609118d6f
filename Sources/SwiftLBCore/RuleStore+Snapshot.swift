extension RuleStore {
    /// Every installed rule, sorted by key: a consistent snapshot for subsystems that follow the rule
    /// set (the BGP advertiser polls it), taken between changes.
    public func ruleSnapshot() -> [LBRule] {
        table.sorted.map(\.rule)
    }
}
