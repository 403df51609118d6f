/// loxilb's error body: `{"code", "sub-code", "message", "fields", "details", "result"}`.
public struct ErrorModel: Codable, Sendable, Hashable {
    /// The HTTP status.
    public var code: Int
    /// A finer-grained code; 0 when unused.
    public var subCode: Int
    /// What went wrong and what to do about it.
    public var message: String
    /// The request fields at fault.
    public var fields: [String]
    /// Extra detail, if any.
    public var details: String
    /// loxilb repeats the message here, and loxicmd prints this field.
    public var result: String

    /// Creates an error body; every field defaults to its Go zero value.
    public init(
        code: Int = 0, subCode: Int = 0, message: String = "", fields: [String] = [], details: String = "",
        result: String = ""
    ) {
        self.code = code
        self.subCode = subCode
        self.message = message
        self.fields = fields
        self.details = details
        self.result = result
    }

    enum CodingKeys: String, CodingKey {
        case code
        case subCode = "sub-code"
        case message, fields, details, result
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        code = try object.decode(.code)
        subCode = try object.decode(.subCode)
        message = try object.decode(.message)
        fields = try object.decode(.fields)
        details = try object.decode(.details)
        result = try object.decode(.result)
    }
}
