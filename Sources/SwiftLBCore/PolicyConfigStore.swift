/// A policy as stored: its id (the datapath's policer slot) and its validated entry.
public struct StoredPolicy: Codable, Sendable, Hashable {
    /// The policer id.
    public var id: Int
    /// The policy (defaults filled in, no counters).
    public var entry: PolicyEntry

    /// Creates a stored policy.
    public init(id: Int, entry: PolicyEntry) {
        self.id = id
        self.entry = entry
    }
}

/// Durable storage of policies: SQLite in production, `InMemoryPolicyConfigStore` in tests.
/// Every write is durable when it returns; a failed write leaves the stored state as it was.
public protocol PolicyConfigStore: Sendable {
    /// Every stored policy, by id.
    func loadPolicies() async throws(ConfigStoreError) -> [StoredPolicy]
    /// Inserts `policy`, or replaces the one with the same id.
    func savePolicy(_ policy: StoredPolicy) async throws(ConfigStoreError)
    /// Deletes the policy with `id`; an absent id is not an error.
    func deletePolicy(id: Int) async throws(ConfigStoreError)
}

/// A policy store in memory, for tests and for running without a database.
public actor InMemoryPolicyConfigStore: PolicyConfigStore {
    private var policies: [Int: StoredPolicy] = [:]
    /// When set, every write fails with it.
    public var failure: ConfigStoreError?

    /// An empty store.
    public init() {}

    /// Makes the next writes fail (nil: succeed again).
    public func setFailure(_ failure: ConfigStoreError?) { self.failure = failure }

    public func loadPolicies() async throws(ConfigStoreError) -> [StoredPolicy] {
        policies.values.sorted { $0.id < $1.id }
    }

    public func savePolicy(_ policy: StoredPolicy) async throws(ConfigStoreError) {
        if let failure { throw failure }
        policies[policy.id] = policy
    }

    public func deletePolicy(id: Int) async throws(ConfigStoreError) {
        if let failure { throw failure }
        policies[id] = nil
    }
}
