/// The body of a successful POST: `{"result": "Success"}`, as loxilb answers.
public struct PostSuccess: Codable, Sendable, Hashable {
    /// "Success" unless a handler has something more specific to say.
    public var result: String

    /// Creates a success body.
    public init(result: String = "Success") {
        self.result = result
    }

    enum CodingKeys: String, CodingKey {
        case result
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        result = try object.decode(.result)
    }
}
