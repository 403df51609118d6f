/// loxilb's `BGPGlobalConfig`: the local BGP speaker's identity (`POST/GET /config/bgp/global`).
///
/// Field names are loxilb's. Decoding is Go-style (case-insensitive keys, unknown keys ignored,
/// missing or `null` fields zero); encoding always writes every field.
public struct BGPGlobalConfig: Codable, Sendable, Hashable {
    /// The local autonomous system number (1...4294967295).
    public var localAs: Int
    /// The BGP router ID: an IPv4 address, conventionally one of this host's.
    public var routerId: String
    /// The TCP port the speaker listens on; 0 means 179.
    public var listenPort: Int
    /// Advertise this speaker as the next hop of every route (SwiftLB always does for its VIPs).
    public var setNextHopSelf: Bool

    /// Creates a configuration; every field defaults to its Go zero value.
    public init(localAs: Int = 0, routerId: String = "", listenPort: Int = 0, setNextHopSelf: Bool = false) {
        self.localAs = localAs
        self.routerId = routerId
        self.listenPort = listenPort
        self.setNextHopSelf = setNextHopSelf
    }

    enum CodingKeys: String, CodingKey {
        case localAs, routerId, listenPort, setNextHopSelf
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        localAs = try object.decode(.localAs)
        routerId = try object.decode(.routerId)
        listenPort = try object.decode(.listenPort)
        setNextHopSelf = try object.decode(.setNextHopSelf)
    }
}
