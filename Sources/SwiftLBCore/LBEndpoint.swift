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

    /// Creates an endpoint; every field defaults to its Go zero value.
    public init(endpointIP: String = "", targetPort: Int = 0, weight: Int = 0, state: String = "", counter: String = "")
    {
        self.endpointIP = endpointIP
        self.targetPort = targetPort
        self.weight = weight
        self.state = state
        self.counter = counter
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case endpointIP, targetPort, weight, state, counter
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        endpointIP = try object.decode(.endpointIP)
        targetPort = try object.decode(.targetPort)
        weight = try object.decode(.weight)
        state = try object.decode(.state)
        counter = try object.decode(.counter)
    }
}

extension LBEndpoint: GoZeroValue {
    static var goZero: LBEndpoint { LBEndpoint() }
}
