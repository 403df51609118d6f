extension RuleStore {
    /// Every installed rule, sorted by key, with the endpoints' active flags from health applied (as
    /// the datapath is programmed): a consistent snapshot for subsystems that follow the rule set,
    /// taken between changes. The BGP advertiser polls it, so a VIP whose endpoints are all down is
    /// withdrawn, and announced again when one recovers.
    public func ruleSnapshot() -> [LBRule] {
        table.sorted.map { installed in
            var rule = installed.rule
            rule.endpoints = health.applied(to: installed.rule)
            return rule
        }
    }
}
