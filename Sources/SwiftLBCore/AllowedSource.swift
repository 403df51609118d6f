/// A source prefix allowed to reach a service.
public struct AllowedSource: Codable, Sendable, Hashable {
    /// The allowed prefix in CIDR notation.
    public var prefix: String

    /// Creates an allowed-source entry.
    public init(prefix: String = "") {
        self.prefix = prefix
    }

    enum CodingKeys: String, CodingKey {
        case prefix
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        prefix = try object.decode(.prefix)
    }
}

extension AllowedSource: GoZeroValue {
    static var goZero: AllowedSource { AllowedSource() }
}
