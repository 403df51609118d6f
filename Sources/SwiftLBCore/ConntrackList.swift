/// The body of `GET /netlox/v1/config/conntrack/all`: `{"ctAttr": [...]}`.
public struct ConntrackList: Codable, Sendable, Hashable {
    /// The connections.
    public var ctAttr: [ConntrackEntry]

    /// Wraps a list of connections.
    public init(ctAttr: [ConntrackEntry] = []) {
        self.ctAttr = ctAttr
    }

    enum CodingKeys: String, CodingKey {
        case ctAttr
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        ctAttr = try object.decode(.ctAttr)
    }
}
