/// loxilb's `serviceArguments.oper` 1 (attach) and 2 (detach): change some endpoints of a live
/// rule without restating the others.
///
/// Attach adds the listed endpoints (an endpoint already present takes the listed weight); on a
/// service without a rule it creates the rule as given. Detach removes the listed endpoints;
/// endpoints it does not name stay, and naming none that exists changes nothing. The rule's other
/// arguments (sel, mode, name, timeouts) are those of the existing rule. Endpoints that stay keep
/// their datapath slots and their connections (see `SlotLayout`).
public enum EndpointOperation: Int, Sendable {
    case attach = 1
    case detach = 2

    /// The full entry (oper 0) the rule becomes, or nil when nothing changes. `request` is the
    /// validated request, `existing` the rule in place for its key.
    public func merge(request: LBRule, into existing: LBRule?) throws(APIError) -> LoadBalancerEntry? {
        let same = { (a: DatapathEndpoint, b: DatapathEndpoint) in a.address == b.address && a.port == b.port }
        guard let existing else {
            guard self == .attach else {
                throw .notFound(
                    "no load-balancer rule \(request.key) exists to detach endpoints from; list the rules with GET "
                        + "/netlox/v1/config/loadbalancer/all")
            }
            var entry = request.entry
            entry.serviceArguments.oper = 0
            return entry
        }
        var endpoints = existing.endpoints
        switch self {
        case .attach:
            for endpoint in request.endpoints {
                if let index = endpoints.firstIndex(where: { same($0, endpoint) }) {
                    endpoints[index].weight = endpoint.weight
                } else {
                    endpoints.append(endpoint)
                }
            }
        case .detach:
            endpoints.removeAll { old in request.endpoints.contains { same(old, $0) } }
            guard !endpoints.isEmpty else {
                throw .badRequest(
                    field: "endpoints",
                    message: "detaching these endpoints would leave \(request.key) without endpoints; delete the rule "
                        + "instead, or keep at least one endpoint")
            }
        }
        guard endpoints != existing.endpoints else { return nil }
        var entry = existing.entry
        entry.serviceArguments.oper = 0
        entry.endpoints = endpoints.map {
            LBEndpoint(endpointIP: $0.address.description, targetPort: Int($0.port), weight: Int($0.weight))
        }
        return entry
    }
}
