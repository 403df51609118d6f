/// Kubernetes' `IntOrString`: a JSON number or string (a Service's `targetPort` is a port number or
/// the name of a container port).
public enum IntOrString: Codable, Sendable, Hashable {
    /// A number.
    case int(Int)
    /// A string, such as a named port.
    case string(String)

    /// Decodes a JSON number or string; anything else is a decoding error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            self = .int(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    /// Encodes as a JSON number or string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        }
    }
}
