/// A session as stored: its id (also its counter slot) and the session with its classifiers.
public struct StoredGTPSession: Codable, Sendable, Hashable {
    /// The session's id.
    public var id: Int
    /// The session as posted (validated).
    public var entry: SessionEntry
    /// Its classifiers, in the order they were added.
    public var classifiers: [SessionUlClArgument]

    /// Creates a stored session.
    public init(id: Int, entry: SessionEntry, classifiers: [SessionUlClArgument]) {
        self.id = id
        self.entry = entry
        self.classifiers = classifiers
    }
}

/// Durable storage of GTP-U sessions: SQLite in production, `InMemoryGTPSessionConfigStore` in
/// tests. Every write is durable when it returns; a failed write leaves the stored state as it was.
public protocol GTPSessionConfigStore: Sendable {
    /// Every stored session, by id.
    func loadGTPSessions() async throws(ConfigStoreError) -> [StoredGTPSession]
    /// Inserts `session` (or replaces the one with the same id).
    func saveGTPSession(_ session: StoredGTPSession) async throws(ConfigStoreError)
    /// Deletes the session with `id`; an absent id is not an error.
    func deleteGTPSession(id: Int) async throws(ConfigStoreError)
}

/// Sessions in memory, for tests and for running without a database.
public actor InMemoryGTPSessionConfigStore: GTPSessionConfigStore {
    private var sessions: [Int: StoredGTPSession] = [:]
    /// When set, every write fails with it.
    public var failure: ConfigStoreError?

    /// An empty store.
    public init() {}

    /// Makes the next writes fail (nil: succeed again).
    public func setFailure(_ failure: ConfigStoreError?) { self.failure = failure }

    public func loadGTPSessions() async throws(ConfigStoreError) -> [StoredGTPSession] {
        sessions.values.sorted { $0.id < $1.id }
    }

    public func saveGTPSession(_ session: StoredGTPSession) async throws(ConfigStoreError) {
        if let failure { throw failure }
        sessions[session.id] = session
    }

    public func deleteGTPSession(id: Int) async throws(ConfigStoreError) {
        if let failure { throw failure }
        sessions[id] = nil
    }
}

/// What sessions need from the datapath: program the whole set, read counters.
/// `EBPFDatapath` in production, `InMemoryGTPSessionDatapath` in tests.
public protocol GTPSessionDatapath: Sendable {
    /// Programs exactly `sessions` (by id); zeroes the counters of `resetCounters`.
    func applyGTPSessions(_ sessions: [UInt32: GTPSession], resetCounters: [UInt32]) async throws(DatapathError)
    /// The counters of `ids` (ids without traffic may be missing).
    func gtpSessionCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: GTPSessionCounter]
}

/// Sessions as the datapath would hold them, in memory.
public actor InMemoryGTPSessionDatapath: GTPSessionDatapath {
    /// What was programmed last.
    public private(set) var sessions: [UInt32: GTPSession] = [:]
    /// Counters by id.
    public var counters: [UInt32: GTPSessionCounter] = [:]
    /// When set, the next applies fail with it.
    public var failure: DatapathError?

    /// An empty datapath.
    public init() {}

    /// Makes the next applies fail (nil: succeed again).
    public func setFailure(_ failure: DatapathError?) { self.failure = failure }

    /// Sets a session's counters, as traffic would.
    public func count(id: UInt32, _ counter: GTPSessionCounter) { counters[id] = counter }

    public func applyGTPSessions(_ sessions: [UInt32: GTPSession], resetCounters: [UInt32]) async throws(DatapathError)
    {
        if let failure { throw failure }
        for id in resetCounters { counters[id] = nil }
        self.sessions = sessions
    }

    public func gtpSessionCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: GTPSessionCounter] {
        counters.filter { ids.contains($0.key) }
    }
}
