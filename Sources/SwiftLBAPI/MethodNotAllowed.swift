import Hummingbird
import SwiftLBCore

/// Thrown for a known path asked with a method it does not serve; answered 405 with `Allow`.
struct MethodNotAllowed: Error {
    /// The method that was used.
    var method: HTTPRequest.Method
    /// The path that was asked.
    var path: String
    /// The methods the path serves.
    var allowed: [HTTPRequest.Method]

    /// The error body.
    var apiError: APIError {
        let names = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            status: 405, message: "\(method.rawValue) is not allowed on \(path); use \(names)", fields: ["method"])
    }

    /// The `Allow` header listing `allowed`.
    var headers: HTTPFields {
        [.allow: allowed.map(\.rawValue).joined(separator: ", ")]
    }
}
