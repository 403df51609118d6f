/// A reconciliation that stopped part-way.
public struct ReconcileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The operation that failed; nil when reading the programmed state failed.
    public var operation: ReconcileOperation?
    /// How many operations succeeded before the failure.
    public var applied: Int
    /// The datapath's error.
    public var reason: String

    /// Creates an error.
    public init(operation: ReconcileOperation?, applied: Int, reason: String) {
        self.operation = operation
        self.applied = applied
        self.reason = reason
    }

    /// A sentence saying what failed after how many successful operations.
    public var description: String {
        let what = operation.map { "\($0)" } ?? "reading the programmed services"
        return "datapath reconciliation failed at \(what) after \(applied) operations: \(reason)"
    }
}
