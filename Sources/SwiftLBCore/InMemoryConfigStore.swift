/// A `ConfigStore` in memory, for tests: it can be told to fail writes, and can be shared by several
/// `RuleStore`s in turn to simulate a daemon restart.
public actor InMemoryConfigStore: ConfigStore {
    private var records: [ServiceKey: ConfigRecord]
    /// Endpoint entries by name (InMemoryConfigStore+Endpoints).
    var endpointEntries: [String: EndPointEntry] = [:]
    private var failingWrites = 0

    /// The number of successful writes (saves and deletes) so far.
    public internal(set) var writeCount = 0
    /// The number of successful batch commits (`commit(saving:deleting:)`) so far.
    public internal(set) var commitCount = 0

    /// Creates a store holding `records`.
    public init(records: [ConfigRecord] = []) {
        self.records = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Makes the next `count` writes fail without changing anything.
    public func failNextWrites(_ count: Int = 1) {
        failingWrites = count
    }

    /// Every stored record, sorted by key.
    public func loadAll() throws(ConfigStoreError) -> [ConfigRecord] {
        records.values.sorted { $0.key < $1.key }
    }

    /// Inserts or replaces `record`, unless a failure was requested.
    public func save(_ record: ConfigRecord) throws(ConfigStoreError) {
        try consumeFailure("save \(record.key)")
        // SQLite's UNIQUE(service_id) would refuse this too; mirror it so tests catch id bugs.
        if let owner = records.values.first(where: { $0.serviceID == record.serviceID && $0.key != record.key }) {
            throw ConfigStoreError(
                operation: "save \(record.key)", reason: "service id \(record.serviceID) belongs to \(owner.key)")
        }
        records[record.key] = record
        writeCount += 1
    }

    /// Deletes the record with `key`, unless a failure was requested.
    public func delete(key: ServiceKey) throws(ConfigStoreError) {
        try consumeFailure("delete \(key)")
        records[key] = nil
        writeCount += 1
    }

    /// Deletes the records of `keys` at once, unless a failure was requested (then none).
    public func delete(keys: [ServiceKey]) throws(ConfigStoreError) {
        try consumeFailure("delete \(keys.count) records")
        for key in keys { records[key] = nil }
        writeCount += 1
    }

    /// Applies a batch at once, unless a failure was requested (then none of it).
    public func commit(saving: [ConfigRecord], deleting: [ServiceKey]) throws(ConfigStoreError) {
        try consumeFailure("commit \(saving.count) saves and \(deleting.count) deletes")
        var next = records
        for key in deleting { next[key] = nil }
        for record in saving {
            if let owner = next.values.first(where: { $0.serviceID == record.serviceID && $0.key != record.key }) {
                throw ConfigStoreError(
                    operation: "commit \(record.key)", reason: "service id \(record.serviceID) belongs to \(owner.key)")
            }
            next[record.key] = record
        }
        records = next
        writeCount += 1
        commitCount += 1
    }

    public func replaceAll(with records: [ConfigRecord]) throws(ConfigStoreError) {
        try consumeFailure("replace all with \(records.count) records")
        self.records = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
        writeCount += 1
    }

    func consumeFailure(_ operation: String) throws(ConfigStoreError) {
        guard failingWrites > 0 else { return }
        failingWrites -= 1
        throw ConfigStoreError(operation: operation, reason: "simulated write failure")
    }
}
