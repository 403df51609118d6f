import Foundation

/// loxilb-compatible JSON coding for the API, the CLI and the config store.
///
/// Decoding follows Go's `encoding/json` as loxilb's server uses it (see `GoStyleContainer`);
/// encoding writes every field under its canonical loxilb key, with sorted keys for stable output.
public enum LoxiJSON {
    /// Decodes `type` from `data`; any failure is a 400 `APIError` naming the offending field.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(APIError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw badRequest(for: error)
        } catch {
            throw APIError.badRequest(
                field: "body", message: "the request body could not be read as JSON (\(error)); send a JSON object")
        }
    }

    /// Decodes a request body: as `decode`, and a number with a fraction or exponent is refused
    /// (400 naming its field) even where it is integral, as loxilb's Go server refuses it.
    public static func decodeRequest<T: Decodable>(_ type: T.Type, from data: Data) throws(APIError) -> T {
        if let (path, text) = JSONIntegerCheck.firstNonInteger(in: Array(data)) {
            let field = path.isEmpty ? "body" : path
            throw APIError.badRequest(
                field: field,
                message: "\(field) must be an integer, not \(text); send it without a fraction or exponent")
        }
        return try decode(type, from: data)
    }

    /// Encodes `value` with sorted keys and unescaped slashes.
    public static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(value)
        } catch {
            // Only non-finite floats or a throwing custom `encode(to:)` can fail, and the loxilb models
            // have neither; answer with a well-formed error body rather than crash the server.
            return Data(
                #"{"code":500,"message":"internal error: the response could not be encoded","result":"failed"}"#.utf8)
        }
    }

    static func badRequest(for error: DecodingError) -> APIError {
        switch error {
        case .typeMismatch(let type, let context):
            let field = fieldPath(context.codingPath)
            return .badRequest(
                field: field,
                message: "\(field) must be \(describe(type)) (\(context.debugDescription)); fix the value's JSON type")
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            let field = fieldPath(context.codingPath)
            return .badRequest(
                field: field,
                message: "\(field) has a value of the wrong kind (\(context.debugDescription)); send a whole number "
                    + "in range for integer fields")
        case .dataCorrupted(let context):
            let reason = context.underlyingError.map { "\($0)" } ?? context.debugDescription
            return .badRequest(field: "body", message: "the request body is not valid JSON (\(reason)); fix the syntax")
        case .valueNotFound(_, let context), .keyNotFound(_, let context):
            let field = fieldPath(context.codingPath)
            return .badRequest(field: field, message: "\(field) is missing (\(context.debugDescription)); send a value")
        @unknown default:
            return .badRequest(field: "body", message: "the request body could not be decoded (\(error)); check it")
        }
    }

    /// A coding path as loxilb users write it: `serviceArguments.port`, `endpoints[2].weight`.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "body" }
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [String: Any].Type: "an object"
        case is [Any].Type: "an array"
        default: "of type \(type)"
        }
    }
}
