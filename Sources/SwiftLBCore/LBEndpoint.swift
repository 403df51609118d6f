/// One endpoint of a loxilb load-balancer entry.
public struct LBEndpoint: Codable, Sendable, Hashable {
    /// The endpoint's IP address.
    public var endpointIP: String
    /// The endpoint's port; 0 means the service port.
    public var targetPort: Int
    /// Relative weight; 0 is treated as 1.
    public var weight: Int
    /// Read only: the endpoint's health ("active" until health checks exist).
    public var state: String
    /// Read only: "<packets>:<bytes>" forwarded to this endpoint.
    public var counter: String
    /// SwiftLB's SRv6 segment list toward the endpoint (IPv6 SIDs, first segment first); empty
    /// for an endpoint reached directly. Written only when set, so loxilb clients see loxilb's fields.
    public var srv6Segments: [String]

    /// Creates an endpoint; every field defaults to its Go zero value.
    public init(
        endpointIP: String = "", targetPort: Int = 0, weight: Int = 0, state: String = "", counter: String = "",
        srv6Segments: [String] = []
    ) {
        self.srv6Segments = srv6Segments
        self.endpointIP = endpointIP
        self.targetPort = targetPort
        self.weight = weight
        self.state = state
        self.counter = counter
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case endpointIP, targetPort, weight, state, counter, srv6Segments
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        endpointIP = try object.decode(.endpointIP)
        targetPort = try object.decode(.targetPort)
        weight = try object.decode(.weight)
        state = try object.decode(.state)
        counter = try object.decode(.counter)
        srv6Segments = try object.decode(.srv6Segments)
    }

    /// Writes loxilb's fields, and `srv6Segments` only when set.
    public func encode(to encoder: any Encoder) throws {
        var object = encoder.container(keyedBy: CodingKeys.self)
        try object.encode(endpointIP, forKey: .endpointIP)
        try object.encode(targetPort, forKey: .targetPort)
        try object.encode(weight, forKey: .weight)
        try object.encode(state, forKey: .state)
        try object.encode(counter, forKey: .counter)
        if !srv6Segments.isEmpty { try object.encode(srv6Segments, forKey: .srv6Segments) }
    }
}

extension LBEndpoint: GoZeroValue {
    static var goZero: LBEndpoint { LBEndpoint() }
}
