/// loxilb's `BGPNeighGetEntry`: a neighbor with its session state, as `GET /config/bgp/neigh/all` lists it.
public struct BGPNeighborEntry: Codable, Sendable, Hashable {
    /// The peer's address.
    public var ipAddress: String
    /// The peer's autonomous system number.
    public var remoteAs: Int
    /// The session state in lower case as gobgp names it ("idle", "connect", "active", "opensent",
    /// "openconfirm", "established"), or why it is unknown ("gobgpd-down", "not-configured").
    public var state: String
    /// How long the session has been in its state, e.g. "00:03:12"; empty when unknown.
    public var updowntime: String

    /// Creates an entry; every field defaults to its Go zero value.
    public init(ipAddress: String = "", remoteAs: Int = 0, state: String = "", updowntime: String = "") {
        self.ipAddress = ipAddress
        self.remoteAs = remoteAs
        self.state = state
        self.updowntime = updowntime
    }

    enum CodingKeys: String, CodingKey {
        case ipAddress, remoteAs, state, updowntime
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        ipAddress = try object.decode(.ipAddress)
        remoteAs = try object.decode(.remoteAs)
        state = try object.decode(.state)
        updowntime = try object.decode(.updowntime)
    }
}

/// The body of `GET /config/bgp/neigh/all`: `{"bgpNeiAttr": [...]}`.
public struct BGPNeighborList: Codable, Sendable, Hashable {
    /// The neighbors, sorted by address.
    public var bgpNeiAttr: [BGPNeighborEntry]

    /// Creates a list.
    public init(bgpNeiAttr: [BGPNeighborEntry] = []) {
        self.bgpNeiAttr = bgpNeiAttr
    }

    enum CodingKeys: String, CodingKey {
        case bgpNeiAttr
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        bgpNeiAttr = try object.decode(.bgpNeiAttr)
    }
}
