/// An error the API reports to its client: an HTTP status, a message saying what was wrong and what
/// to do, and the request fields at fault.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status code.
    public var status: Int
    /// What was wrong and what to do about it.
    public var message: String
    /// The request fields at fault (JSON paths such as `serviceArguments.port`, or path parameter names).
    public var fields: [String]

    /// Creates an error with an explicit status.
    public init(status: Int, message: String, fields: [String] = []) {
        self.status = status
        self.message = message
        self.fields = fields
    }

    /// 400: the request is invalid; `field` names the offending field.
    public static func badRequest(field: String, message: String) -> APIError {
        APIError(status: 400, message: message, fields: [field])
    }

    /// 404: nothing matches the request.
    public static func notFound(_ message: String, fields: [String] = []) -> APIError {
        APIError(status: 404, message: message, fields: fields)
    }

    /// 409: the request contradicts existing state.
    public static func conflict(_ message: String, fields: [String] = []) -> APIError {
        APIError(status: 409, message: message, fields: fields)
    }

    /// 507: a table or limit is full.
    public static func insufficientStorage(_ message: String, fields: [String] = []) -> APIError {
        APIError(status: 507, message: message, fields: fields)
    }

    /// 500: the daemon failed (datapath or config store); the message says what was rolled back.
    public static func internalError(_ message: String) -> APIError {
        APIError(status: 500, message: message)
    }

    /// 503: a subsystem is not available right now; retrying later may succeed.
    public static func unavailable(_ message: String) -> APIError {
        APIError(status: 503, message: message)
    }

    /// The loxilb error body for this error (loxilb puts the message in both `message` and `result`).
    public var model: ErrorModel {
        ErrorModel(code: status, subCode: 0, message: message, fields: fields, details: "", result: message)
    }

    /// "<status>: <message>".
    public var description: String { "\(status): \(message)" }
}
