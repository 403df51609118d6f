/// loxilb's load-balancer entry: the body of `POST /netlox/v1/config/loadbalancer` and each item of
/// `GET /netlox/v1/config/loadbalancer/all`.
public struct LoadBalancerEntry: Codable, Sendable, Hashable {
    /// What the service is and how it behaves.
    public var serviceArguments: ServiceArguments
    /// Where traffic goes.
    public var endpoints: [LBEndpoint]
    /// Extra VIPs (multi-homed SCTP).
    public var secondaryIPs: [SecondaryIP]
    /// Source prefixes allowed to reach the service; empty means all.
    public var allowedSources: [AllowedSource]

    /// Creates an entry; every field defaults to its Go zero value.
    public init(
        serviceArguments: ServiceArguments = ServiceArguments(), endpoints: [LBEndpoint] = [],
        secondaryIPs: [SecondaryIP] = [], allowedSources: [AllowedSource] = []
    ) {
        self.serviceArguments = serviceArguments
        self.endpoints = endpoints
        self.secondaryIPs = secondaryIPs
        self.allowedSources = allowedSources
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case serviceArguments, endpoints, secondaryIPs, allowedSources
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        serviceArguments = try object.decode(.serviceArguments)
        endpoints = try object.decode(.endpoints)
        secondaryIPs = try object.decode(.secondaryIPs)
        allowedSources = try object.decode(.allowedSources)
    }
}

extension LoadBalancerEntry: GoZeroValue {
    static var goZero: LoadBalancerEntry { LoadBalancerEntry() }
}
