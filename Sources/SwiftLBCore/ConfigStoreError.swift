/// A config store failure: what the store was doing, and why it failed.
public struct ConfigStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the store was doing, e.g. "open /var/lib/swiftlb/config.db" or "save 10.0.0.1:80/tcp".
    public var operation: String
    /// Why it failed, and what to do when that is known.
    public var reason: String

    /// Creates an error.
    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    /// "<operation> failed: <reason>".
    public var description: String { "\(operation) failed: \(reason)" }
}
