/// Which probe watches each endpoint of a monitored rule (pure; the rule's fields and loxilb's defaults).
///
/// A rule with `monitor` probes each endpoint with `probetype` (default by the service protocol: tcp
/// connect for tcp, udp for udp, ping for icmp) on `probeport` (default the endpoint's target port),
/// every `probeTimeout` seconds (default 60), out after `probeRetries` failures (default 2), as loxilb
/// does. An endpoint entry from `/config/endpoint` with the same key overrides period, retries and texts.
public enum HealthTargets {
    /// The target watching `endpoint` of `rule`, or nil when the rule is not monitored or the probe type
    /// is "none".
    public static func target(
        for endpoint: DatapathEndpoint, of rule: LBRule, configured: [String: ProbeTarget] = [:]
    ) -> ProbeTarget? {
        let args = rule.entry.serviceArguments
        guard args.monitor else { return nil }
        let type = args.probetype.isEmpty ? ProbeType.defaultType(for: rule.key.proto) : ProbeType(name: args.probetype)
        guard let type, type != .none else { return nil }
        let port = type.usesPort ? (args.probeport != 0 ? UInt16(clamping: args.probeport) : endpoint.port) : 0
        let key = ProbeTarget.key(host: endpoint.address, type: type, port: port)
        if let configured = configured[key] { return configured }
        return ProbeTarget(
            key: key, host: endpoint.address, type: type, port: port, request: args.probereq,
            response: args.proberesp,
            interval: args.probeTimeout != 0 ? args.probeTimeout : ProbeTarget.defaultInterval,
            retries: args.probeRetries != 0 ? args.probeRetries : ProbeTarget.defaultRetries)
    }

    /// Every target of `rules` and `configured`, one per key (an endpoint entry wins over a rule's
    /// settings), sorted by key.
    public static func all(rules: [LBRule], configured: [String: ProbeTarget]) -> [ProbeTarget] {
        var byKey = configured.filter { $0.value.type != .none }
        for rule in rules {
            for endpoint in rule.endpoints {
                guard let target = target(for: endpoint, of: rule, configured: configured),
                    byKey[target.key] == nil
                else { continue }
                byKey[target.key] = target
            }
        }
        return byKey.values.sorted { $0.key < $1.key }
    }

}
