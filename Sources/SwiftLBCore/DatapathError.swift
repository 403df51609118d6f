/// Why a `Datapath` call failed: every datapath throws this, and its kind decides what the API
/// answers (DESIGN: limits are 507).
public struct DatapathError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A table is full or a limit is exceeded: the API answers 507.
        case limit
        /// The datapath is not there: it could not be loaded (the API answers 500).
        case unavailable
        /// The kernel or the datapath refused the call (500).
        case failed
    }

    public var kind: Kind
    /// What failed, for logs and error messages.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// `error` as a datapath error: as it is when it already is one, a limit when it says so
    /// (`DatapathFailure.isLimit`), a plain failure otherwise.
    public init(_ error: any Error) {
        if let error = error as? DatapathError {
            self = error
        } else if let failure = error as? any DatapathFailure, failure.isLimit {
            self.init(.limit, "\(error)")
        } else {
            self.init(.failed, "\(error)")
        }
    }

    public var isLimit: Bool { kind == .limit }
    public var description: String { message }
}

/// An error that knows whether it is a limit; `DatapathError.init(_:)` reads it.
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
