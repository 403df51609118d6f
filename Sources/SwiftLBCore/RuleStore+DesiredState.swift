/// One version of the desired state: every rule with its endpoints' health applied (what the
/// datapath is programmed with), for subsystems that follow the rule set (BGP advertisement).
public struct DesiredState: Sendable {
    /// The feed's version this state belongs to (`RuleStore.feed`).
    public var version: UInt64
    /// Every installed rule, sorted by key, endpoints with their active flags.
    public var rules: [LBRule]
}

extension RuleStore {
    /// The desired state now, taken between changes: a VIP whose endpoints are all down shows no
    /// active endpoint, so BGP withdraws it, and announces it again when one recovers.
    public func desiredState() -> DesiredState {
        DesiredState(
            version: feed.version,
            rules: table.sorted.map { installed in
                var rule = installed.rule
                rule.endpoints = health.applied(to: installed.rule)
                return rule
            })
    }

    /// Every rule's service as the reconciler is to write it (health applied), sorted by key.
    func desiredServices() -> [DatapathService] {
        table.sorted.map { service(of: $0) }
    }
}
