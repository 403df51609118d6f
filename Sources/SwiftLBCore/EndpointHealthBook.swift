/// The runtime health of endpoints as `RuleStore` knows it: endpoint entries (configured), the
/// prober's latest status per target, and host states set by outside controllers.
///
/// A plain value, so the effect of a change on every rule's active flags can be computed before and
/// after it and compared.
struct EndpointHealthBook: Sendable {
    /// Endpoint entries from `/config/endpoint`, normalized, by name.
    var entries: [String: EndPointEntry] = [:]
    /// The targets those entries describe, by name.
    var configured: [String: ProbeTarget] = [:]
    /// The prober's latest status, by target key. A target without a status is up.
    var statuses: [String: ProbeStatus] = [:]
    /// Hosts marked down through `/config/endpointhoststate`.
    var hostsDown: Set<HostMark> = []

    /// A host mark: an address, a port (0 = every port) and a protocol (nil = every protocol).
    struct HostMark: Hashable, Sendable {
        var host: IPAddress
        var port: UInt16
        var proto: L4Protocol?

        func matches(_ endpoint: DatapathEndpoint, proto other: L4Protocol) -> Bool {
            host == endpoint.address && (port == 0 || port == endpoint.port) && (proto == nil || proto == other)
        }
    }

    /// `rule`'s endpoints with `active` set from probes and host marks.
    func applied(to rule: LBRule) -> [DatapathEndpoint] {
        rule.endpoints.map { endpoint in
            var endpoint = endpoint
            endpoint.active = isActive(endpoint, of: rule)
            return endpoint
        }
    }

    /// False when a host mark says down, or the rule monitors the endpoint and its probe says down.
    func isActive(_ endpoint: DatapathEndpoint, of rule: LBRule) -> Bool {
        if hostsDown.contains(where: { $0.matches(endpoint, proto: rule.key.proto) }) { return false }
        guard let target = HealthTargets.target(for: endpoint, of: rule, configured: configured) else { return true }
        return statuses[target.key]?.up ?? true
    }
}
