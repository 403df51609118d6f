/// The body of `GET /netlox/v1/config/loadbalancer/all`: `{"lbAttr": [...]}`.
public struct LoadBalancerList: Codable, Sendable, Hashable {
    /// The rules.
    public var lbAttr: [LoadBalancerEntry]

    /// Wraps a list of rules.
    public init(lbAttr: [LoadBalancerEntry] = []) {
        self.lbAttr = lbAttr
    }

    enum CodingKeys: String, CodingKey {
        case lbAttr
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        lbAttr = try object.decode(.lbAttr)
    }
}
