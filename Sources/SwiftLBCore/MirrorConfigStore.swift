/// A mirror as stored: its entry and its id (its counter slot).
public struct StoredMirror: Codable, Sendable, Hashable {
    /// The mirror's id, 1 ..< 1024.
    public var id: Int
    /// The mirror as posted (validated).
    public var entry: MirrorEntry

    /// Creates a stored mirror.
    public init(id: Int, entry: MirrorEntry) {
        self.id = id
        self.entry = entry
    }
}

/// Durable storage of mirrors: SQLite in production, `InMemoryMirrorConfigStore` in tests. Every
/// write is durable when it returns; a failed write leaves the stored state as it was.
public protocol MirrorConfigStore: Sendable {
    /// Every stored mirror, by id.
    func loadMirrors() async throws(ConfigStoreError) -> [StoredMirror]
    /// Inserts `mirror` (or replaces the one with its id) in one durable write.
    func saveMirror(_ mirror: StoredMirror) async throws(ConfigStoreError)
    /// Deletes the mirror with `id`; an absent id is not an error.
    func deleteMirror(id: Int) async throws(ConfigStoreError)
}

/// A mirror store in memory, for tests and for running without a database.
public actor InMemoryMirrorConfigStore: MirrorConfigStore {
    private var mirrors: [Int: StoredMirror] = [:]
    /// When set, every write fails with it (to test that a failed write changes nothing).
    public var failure: ConfigStoreError?

    /// An empty store.
    public init() {}

    /// Makes the next writes fail (nil: succeed again).
    public func setFailure(_ failure: ConfigStoreError?) { self.failure = failure }

    public func loadMirrors() async throws(ConfigStoreError) -> [StoredMirror] {
        mirrors.values.sorted { $0.id < $1.id }
    }

    public func saveMirror(_ mirror: StoredMirror) async throws(ConfigStoreError) {
        if let failure { throw failure }
        mirrors[mirror.id] = mirror
    }

    public func deleteMirror(id: Int) async throws(ConfigStoreError) {
        if let failure { throw failure }
        mirrors[id] = nil
    }
}
