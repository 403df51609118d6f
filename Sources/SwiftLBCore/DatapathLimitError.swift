/// A datapath error that may be a full table or an exceeded limit: what the API answers with 507
/// rather than 500 (DESIGN: limits are 507). Every `Datapath` reports its limits through it.
public protocol DatapathFailure: Error {
    /// True when the request failed because a table is full or a limit is exceeded.
    var isLimit: Bool { get }
}

/// A datapath table is full or a limit is exceeded; `message` says which and what to do.
public struct DatapathLimitError: DatapathFailure, Sendable, CustomStringConvertible {
    public let message: String
    public var isLimit: Bool { true }
    public var description: String { "datapath limit: \(message)" }

    public init(_ message: String) { self.message = message }
}
