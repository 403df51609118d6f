/// A firewall rule as stored: its entry and its id (which orders equal preferences, lower first).
public struct StoredFirewallRule: Codable, Sendable, Hashable {
    /// The rule's id (also its counter slot).
    public var id: Int
    /// The rule as posted (validated).
    public var entry: FirewallEntry

    /// Creates a stored rule.
    public init(id: Int, entry: FirewallEntry) {
        self.id = id
        self.entry = entry
    }
}

/// Durable storage of firewall rules: SQLite in production, `InMemoryFirewallConfigStore` in tests.
/// Every write is durable when it returns; a failed write leaves the stored state as it was.
public protocol FirewallConfigStore: Sendable {
    /// Every stored rule, by id.
    func loadFirewall() async throws(ConfigStoreError) -> [StoredFirewallRule]
    /// Inserts `rules` (or replaces those with the same id) in one durable write.
    func saveFirewall(_ rules: [StoredFirewallRule]) async throws(ConfigStoreError)
    /// Deletes the rule with `id`; an absent id is not an error.
    func deleteFirewall(id: Int) async throws(ConfigStoreError)
}

/// A firewall store in memory, for tests and for running without a database.
public actor InMemoryFirewallConfigStore: FirewallConfigStore {
    private var rules: [Int: StoredFirewallRule] = [:]
    /// When set, every write fails with it (to test that a failed write changes nothing).
    public var failure: ConfigStoreError?
    /// Writes done so far (group commit: fewer than the rules they carried).
    public private(set) var writes = 0

    /// An empty store.
    public init() {}

    /// Makes the next writes fail (nil: succeed again).
    public func setFailure(_ failure: ConfigStoreError?) { self.failure = failure }

    public func loadFirewall() async throws(ConfigStoreError) -> [StoredFirewallRule] {
        rules.values.sorted { $0.id < $1.id }
    }

    public func saveFirewall(_ rules: [StoredFirewallRule]) async throws(ConfigStoreError) {
        if let failure { throw failure }
        writes += 1
        for rule in rules { self.rules[rule.id] = rule }
    }

    public func deleteFirewall(id: Int) async throws(ConfigStoreError) {
        if let failure { throw failure }
        rules[id] = nil
    }
}
