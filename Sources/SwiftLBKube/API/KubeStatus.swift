/// A meta/v1 `Status`: the body of a failed request and the object of a watch `ERROR` event.
public struct KubeStatus: Codable, Sendable, Equatable {
    /// The HTTP status code it stands for (410 for an expired resource version).
    public var code: Int?
    /// A machine-readable reason (`Expired`, `NotFound`, `Conflict`, ...).
    public var reason: String?
    /// A human-readable message.
    public var message: String?

    /// Creates a status.
    public init(code: Int? = nil, reason: String? = nil, message: String? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
    }
}
