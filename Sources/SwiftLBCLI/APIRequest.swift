import Foundation

/// One HTTP request to the SwiftLB API, independent of how it is sent.
public struct APIRequest: Equatable, Sendable, CustomStringConvertible {
    /// The HTTP methods the CLI uses.
    public enum Method: String, Sendable {
        /// Reads a collection.
        case get = "GET"
        /// Creates a rule.
        case post = "POST"
        /// Removes rules.
        case delete = "DELETE"
    }

    /// The HTTP method.
    public var method: Method
    /// Path and query, starting with `/netlox/v1`, already percent-encoded.
    public var path: String
    /// The JSON body, if any.
    public var body: Data?

    /// Creates a request.
    public init(method: Method, path: String, body: Data? = nil) {
        self.method = method
        self.path = path
        self.body = body
    }

    /// "METHOD PATH", as in the API reference.
    public var description: String { "\(method.rawValue) \(path)" }

    /// The API's base path.
    public static let basePath = "/netlox/v1"
}

/// The status and body of an HTTP answer.
public struct APIResponse: Equatable, Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The raw body (empty for 204).
    public var body: Data

    /// Creates a response.
    public init(status: Int, body: Data = Data()) {
        self.status = status
        self.body = body
    }
}
