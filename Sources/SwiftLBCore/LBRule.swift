/// A validated load-balancer rule: what `RuleValidator` makes of a `LoadBalancerEntry`.
///
/// Endpoints are resolved (target port 0 becomes the service port, weight 0 becomes 1) and sorted
/// by address and port, so that the same set sent in any order programs the same datapath slots.
public struct LBRule: Sendable, Hashable {
    /// VIP, port and protocol.
    public var key: ServiceKey
    /// The rule's name; "" when the client gave none.
    public var name: String
    /// Endpoint selection algorithm.
    public var selection: SelectionAlgorithm
    /// NAT mode.
    public var mode: NATMode
    /// Resolved endpoints in slot order.
    public var endpoints: [DatapathEndpoint]
    /// Owned by a controller (kube-loxilb).
    public var managed: Bool
    /// Connection idle timeout in seconds; 0 means the protocol's default.
    public var inactiveTimeout: UInt32
    /// Last port of the rule's port range; 0 for a single port.
    public var portMax: UInt16 = 0
    /// Further VIPs the rule answers on (loxilb's `secondaryIPs`), sorted.
    public var secondaryVIPs: [IPAddress] = []
    /// Source prefixes allowed to reach the rule (loxilb's `allowedSources`), sorted; empty means all.
    public var allowedSources: [IPPrefix] = []
    /// The addresses full NAT / onearm flows leave from (`snatSources`); nil for the mode's default.
    public var sourcePool: SNATPool?
    /// The load balancer's SRv6 SID (`srv6Sid`); nil for a rule without SRv6.
    public var srv6SID: IPAddress?
    /// The entry as stored and echoed back: the request, normalized the same way as the fields above
    /// (protocol lower-cased, endpoints resolved and sorted, read-only endpoint fields cleared).
    public var entry: LoadBalancerEntry

    /// Creates a rule; prefer `RuleValidator.validate(_:)`, which guarantees the fields agree with `entry`.
    public init(
        key: ServiceKey, name: String, selection: SelectionAlgorithm, mode: NATMode, endpoints: [DatapathEndpoint],
        managed: Bool, inactiveTimeout: UInt32, entry: LoadBalancerEntry
    ) {
        self.key = key
        self.name = name
        self.selection = selection
        self.mode = mode
        self.endpoints = endpoints
        self.managed = managed
        self.inactiveTimeout = inactiveTimeout
        self.entry = entry
    }

    /// The service to program for this rule in datapath slot `id`.
    public func datapathService(id: UInt32) -> DatapathService {
        DatapathService(
            id: id, key: key, selection: selection, mode: mode, inactiveTimeout: inactiveTimeout,
            endpoints: endpoints, portMax: portMax, secondaryVIPs: secondaryVIPs, allowedSources: allowedSources,
            sourcePool: sourcePool, srv6SID: srv6SID)
    }
}
