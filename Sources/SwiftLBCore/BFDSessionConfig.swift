/// loxilb's `BfdEntry`: one BFD session with another instance (`POST /config/bfd`).
///
/// Field names are loxilb's; `interval` is in microseconds. Decoding is Go-style (case-insensitive
/// keys, unknown keys ignored, missing or `null` fields zero); encoding writes every field.
public struct BFDSessionConfig: Codable, Sendable, Hashable {
    /// The cluster instance the session belongs to ("" means "default").
    public var instance: String
    /// Transmit interval once Up, and the fastest receive rate accepted, in µs (0 means 200,000).
    public var interval: Int
    /// The peer instance's IPv4 address; it identifies the session.
    public var remoteIp: String
    /// Intervals without a packet before the session goes down (0 means 3).
    public var retryCount: Int
    /// This instance's address toward the peer ("" lets routing choose).
    public var sourceIp: String

    public init(
        instance: String = "", interval: Int = 0, remoteIp: String = "", retryCount: Int = 0, sourceIp: String = ""
    ) {
        self.instance = instance
        self.interval = interval
        self.remoteIp = remoteIp
        self.retryCount = retryCount
        self.sourceIp = sourceIp
    }

    enum CodingKeys: String, CodingKey {
        case instance, interval, remoteIp, retryCount, sourceIp
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        instance = try object.decode(.instance)
        interval = try object.decode(.interval)
        remoteIp = try object.decode(.remoteIp)
        retryCount = try object.decode(.retryCount)
        sourceIp = try object.decode(.sourceIp)
    }

    /// The defaults: loxilb's 200 ms and 3, and instance "default".
    public static let defaultInterval = 200_000
    public static let defaultRetryCount = 3
    public static let defaultInstance = "default"
    /// Accepted intervals in µs: 50 ms (what a 2-CPU instance keeps up with) to 60 s.
    public static let intervals = 50_000...60_000_000

    /// Validates and fills in the defaults; 400 naming the field otherwise.
    public func validated() throws(APIError) -> BFDSessionConfig {
        guard let remote = IPAddress(remoteIp) else {
            throw .badRequest(
                field: "remoteIp",
                message: remoteIp.isEmpty
                    ? "remoteIp is required: the peer instance's IPv4 address"
                    : "remoteIp \"\(remoteIp)\" is not an IP address")
        }
        guard case .v4 = remote else {
            throw .badRequest(field: "remoteIp", message: "remoteIp \(remoteIp): BFD sessions run over IPv4 here")
        }
        var normalized = self
        normalized.remoteIp = remote.description
        if !sourceIp.isEmpty {
            guard let source = IPAddress(sourceIp), case .v4 = source else {
                throw .badRequest(field: "sourceIp", message: "sourceIp \"\(sourceIp)\" is not an IPv4 address")
            }
            normalized.sourceIp = source.description
        }
        normalized.interval = interval == 0 ? Self.defaultInterval : interval
        guard Self.intervals.contains(normalized.interval) else {
            throw .badRequest(
                field: "interval",
                message:
                    "interval \(interval) µs is out of range; send \(Self.intervals.lowerBound)...\(Self.intervals.upperBound) (µs)"
            )
        }
        normalized.retryCount = retryCount == 0 ? Self.defaultRetryCount : retryCount
        guard (1...255).contains(normalized.retryCount) else {
            throw .badRequest(field: "retryCount", message: "retryCount \(retryCount) is out of range; send 1...255")
        }
        normalized.instance = instance.isEmpty ? Self.defaultInstance : instance
        return normalized
    }
}

/// loxilb's `BfdGetEntry`: a session with its state, as `GET /config/bfd/all` lists it.
public struct BFDSessionEntry: Codable, Sendable, Hashable {
    public var instance: String
    public var interval: Int
    /// The peer's BFD port (3784).
    public var port: Int
    public var remoteIp: String
    public var retryCount: Int
    /// Note loxilb's spelling: `sourceIP` here, `sourceIp` in the request.
    public var sourceIP: String
    /// "BFDUp", "BFDDown", "BFDInit" or "BFDAdminDown", as loxilb says.
    public var state: String

    public init(config: BFDSessionConfig, port: Int, state: String) {
        instance = config.instance
        interval = config.interval
        self.port = port
        remoteIp = config.remoteIp
        retryCount = config.retryCount
        sourceIP = config.sourceIp
        self.state = state
    }

    enum CodingKeys: String, CodingKey {
        case instance, interval, port, remoteIp, retryCount, sourceIP, state
    }

    /// Decodes Go-style: loxilb omits empty fields.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        instance = try object.decode(.instance)
        interval = try object.decode(.interval)
        port = try object.decode(.port)
        remoteIp = try object.decode(.remoteIp)
        retryCount = try object.decode(.retryCount)
        sourceIP = try object.decode(.sourceIP)
        state = try object.decode(.state)
    }
}

/// `GET /config/bfd/all`'s body: loxilb's `{"Attr": [...]}`.
public struct BFDSessionList: Codable, Sendable, Hashable {
    public var sessions: [BFDSessionEntry]

    public init(sessions: [BFDSessionEntry]) {
        self.sessions = sessions
    }

    enum CodingKeys: String, CodingKey {
        case sessions = "Attr"
    }

    /// Decodes Go-style (a missing or `null` list is empty).
    public init(from decoder: any Decoder) throws {
        sessions = try GoStyleContainer<CodingKeys>(decoder).decode(.sessions)
    }
}

/// What the REST API may ask of the BFD sessions. Every change is validated and persisted before it
/// returns; a failed call changes nothing.
public protocol BFDControl: Sendable {
    /// Creates a session, or changes the interval or retry count of the instance's existing one;
    /// 409 when the peer already has a session of another instance.
    func add(_ config: BFDSessionConfig) async throws(APIError)
    /// Deletes the session with `remoteIp` (of `instance` when given); 404 when there is none.
    func delete(remoteIp: String, instance: String?) async throws(APIError)
    /// Every session with its state, sorted by peer address.
    func sessions() async -> [BFDSessionEntry]
}

/// Durable storage of BFD sessions: SQLite in production, `InMemoryBFDConfigStore` in tests.
public protocol BFDConfigStore: Sendable {
    /// Every stored session (validated when saved).
    func loadBFD() async throws(ConfigStoreError) -> [BFDSessionConfig]
    /// Inserts the session, or replaces the one with the same `remoteIp`.
    func saveBFD(_ config: BFDSessionConfig) async throws(ConfigStoreError)
    /// Deletes the session with this peer; deleting an absent one is not an error.
    func deleteBFD(remoteIp: String) async throws(ConfigStoreError)
}

/// A `BFDConfigStore` in memory, with an optional injected failure (tests).
public actor InMemoryBFDConfigStore: BFDConfigStore {
    private var stored: [String: BFDSessionConfig] = [:]
    /// When set, every write throws this error and changes nothing.
    public private(set) var failure: ConfigStoreError?

    public init() {}

    public func setFailure(_ error: ConfigStoreError?) { failure = error }

    public func loadBFD() throws(ConfigStoreError) -> [BFDSessionConfig] {
        stored.values.sorted { $0.remoteIp < $1.remoteIp }
    }

    public func saveBFD(_ config: BFDSessionConfig) throws(ConfigStoreError) {
        if let failure { throw failure }
        stored[config.remoteIp] = config
    }

    public func deleteBFD(remoteIp: String) throws(ConfigStoreError) {
        if let failure { throw failure }
        stored[remoteIp] = nil
    }
}
