/// The persisted BGP configuration: the global settings (absent until configured) and the neighbors.
public struct BGPStoredConfig: Sendable, Hashable {
    /// The global settings, or nil when BGP was never configured.
    public var global: BGPGlobalConfig?
    /// The neighbors, sorted by address.
    public var neighbors: [BGPNeighbor]

    /// Creates a configuration.
    public init(global: BGPGlobalConfig? = nil, neighbors: [BGPNeighbor] = []) {
        self.global = global
        self.neighbors = neighbors
    }
}

/// Durable storage of the BGP configuration: SQLite in production, `InMemoryBGPConfigStore` in tests.
///
/// Every write is durable when it returns; a failed write leaves the stored state as it was.
public protocol BGPConfigStore: Sendable {
    /// The stored configuration.
    func loadBGP() async throws(ConfigStoreError) -> BGPStoredConfig
    /// Stores the global settings, replacing any earlier ones.
    func saveBGPGlobal(_ global: BGPGlobalConfig) async throws(ConfigStoreError)
    /// Inserts a neighbor, or replaces the one with the same `ipAddress`.
    func saveBGPNeighbor(_ neighbor: BGPNeighbor) async throws(ConfigStoreError)
    /// Deletes the neighbor with this address; deleting an absent one is not an error.
    func deleteBGPNeighbor(ipAddress: String) async throws(ConfigStoreError)
}

/// A `BGPConfigStore` in memory, with an optional injected failure (tests).
public actor InMemoryBGPConfigStore: BGPConfigStore {
    private var stored = BGPStoredConfig()
    /// When set, every write throws this error and changes nothing.
    public var failure: ConfigStoreError?

    /// Creates an empty store.
    public init() {}

    /// Makes every later write fail with `error` (nil to succeed again).
    public func setFailure(_ error: ConfigStoreError?) {
        failure = error
    }

    public func loadBGP() async throws(ConfigStoreError) -> BGPStoredConfig {
        stored
    }

    public func saveBGPGlobal(_ global: BGPGlobalConfig) async throws(ConfigStoreError) {
        if let failure { throw failure }
        stored.global = global
    }

    public func saveBGPNeighbor(_ neighbor: BGPNeighbor) async throws(ConfigStoreError) {
        if let failure { throw failure }
        stored.neighbors.removeAll { $0.ipAddress == neighbor.ipAddress }
        stored.neighbors.append(neighbor)
        stored.neighbors.sort { $0.ipAddress < $1.ipAddress }
    }

    public func deleteBGPNeighbor(ipAddress: String) async throws(ConfigStoreError) {
        if let failure { throw failure }
        stored.neighbors.removeAll { $0.ipAddress == ipAddress }
    }
}
