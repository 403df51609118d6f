/// What the REST API may ask of the BGP subsystem. The daemon's `BGPManager` implements it; API
/// tests use it with an in-memory store and no gobgpd.
///
/// Every change is validated completely and persisted before it returns; a failed call changes
/// nothing. Changes reach gobgpd asynchronously (the supervisor pushes them), so a successful call
/// does not mean a session is up: `neighbors()` tells.
public protocol BGPControl: Sendable {
    /// Sets (or replaces) the global settings.
    func setGlobal(_ config: BGPGlobalConfig) async throws(APIError)
    /// The global settings with defaults filled in, or nil when not configured.
    func global() async -> BGPGlobalConfig?
    /// Adds a neighbor; the same neighbor again is accepted, a different one with the same address is a 409.
    func addNeighbor(_ config: BGPNeighbor) async throws(APIError)
    /// Deletes the neighbor with this address (and, when given, this AS); 404 when there is none.
    func deleteNeighbor(ipAddress: String, remoteAs: Int?) async throws(APIError)
    /// Every configured neighbor with its session state, sorted by address.
    func neighbors() async -> [BGPNeighborEntry]
    /// The subsystem's state for `/metrics`.
    func metrics() async -> BGPMetrics
}

/// The BGP subsystem's state as `/metrics` exports it.
public struct BGPMetrics: Sendable, Hashable {
    /// One neighbor's session.
    public struct Session: Sendable, Hashable {
        /// The peer's address.
        public var address: String
        /// The state as in `BGPNeighborEntry.state`.
        public var state: String

        /// Creates a session entry.
        public init(address: String, state: String) {
            self.address = address
            self.state = state
        }
    }

    /// True while gobgpd runs and answers its API.
    public var gobgpdUp: Bool
    /// How often gobgpd was (re)started since the daemon started.
    public var gobgpdStarts: Int
    /// VIP routes currently advertised.
    public var advertisedRoutes: Int
    /// Routes learned from peers and installed into the kernel.
    public var installedRoutes: Int
    /// Every configured neighbor, sorted by address.
    public var sessions: [Session]

    /// Creates a snapshot.
    public init(
        gobgpdUp: Bool = false, gobgpdStarts: Int = 0, advertisedRoutes: Int = 0, installedRoutes: Int = 0,
        sessions: [Session] = []
    ) {
        self.gobgpdUp = gobgpdUp
        self.gobgpdStarts = gobgpdStarts
        self.advertisedRoutes = advertisedRoutes
        self.installedRoutes = installedRoutes
        self.sessions = sessions
    }

    /// The session states a neighbor can be in, in the order `/metrics` lists them.
    public static let sessionStates = [
        "idle", "connect", "active", "opensent", "openconfirm", "established", "unknown",
    ]
}
