/// A secondary VIP of a multi-homed (SCTP) service.
public struct SecondaryIP: Codable, Sendable, Hashable {
    /// The secondary address.
    public var secondaryIP: String

    /// Creates a secondary IP entry.
    public init(secondaryIP: String = "") {
        self.secondaryIP = secondaryIP
    }

    enum CodingKeys: String, CodingKey {
        case secondaryIP
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        secondaryIP = try object.decode(.secondaryIP)
    }
}

extension SecondaryIP: GoZeroValue {
    static var goZero: SecondaryIP { SecondaryIP() }
}
