/// Durable storage of the rule set: SQLite in production, `InMemoryConfigStore` in tests.
///
/// Every write is durable (survives a crash or power loss) when it returns; a failed write leaves
/// the stored state as it was.
public protocol ConfigStore: Sendable {
    /// Every stored record, sorted by key.
    func loadAll() async throws(ConfigStoreError) -> [ConfigRecord]
    /// Inserts `record`, or replaces the record with the same key.
    func save(_ record: ConfigRecord) async throws(ConfigStoreError)
    /// Deletes the record with `key`; deleting an absent key is not an error.
    func delete(key: ServiceKey) async throws(ConfigStoreError)
    /// Deletes the records of every key in one durable write: all of them or none.
    func delete(keys: [ServiceKey]) async throws(ConfigStoreError)
    /// Deletes the records of `deleting`, then inserts or replaces `saving`, in one durable write
    /// (one transaction, one fsync): all of it or none. Group commit: a batch of API changes.
    func commit(saving: [ConfigRecord], deleting: [ServiceKey]) async throws(ConfigStoreError)
    /// Replaces every stored record with `records` in one durable write: all of them or none.
    func replaceAll(with records: [ConfigRecord]) async throws(ConfigStoreError)
}
