/// loxilb's `BGPNeigh`: one BGP peer (`POST /config/bgp/neigh`).
///
/// Field names are loxilb's. Decoding is Go-style (case-insensitive keys, unknown keys ignored,
/// missing or `null` fields zero); encoding always writes every field.
public struct BGPNeighbor: Codable, Sendable, Hashable {
    /// The peer's IPv4 or IPv6 address; it identifies the neighbor.
    public var ipAddress: String
    /// The peer's autonomous system number (1...4294967295).
    public var remoteAs: Int
    /// The peer's BGP port; 0 means 179.
    public var remotePort: Int
    /// Allow the peer to be more than one hop away (eBGP multihop).
    public var setMultiHop: Bool

    /// Creates a neighbor; every field defaults to its Go zero value.
    public init(ipAddress: String = "", remoteAs: Int = 0, remotePort: Int = 0, setMultiHop: Bool = false) {
        self.ipAddress = ipAddress
        self.remoteAs = remoteAs
        self.remotePort = remotePort
        self.setMultiHop = setMultiHop
    }

    enum CodingKeys: String, CodingKey {
        case ipAddress, remoteAs, remotePort, setMultiHop
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        ipAddress = try object.decode(.ipAddress)
        remoteAs = try object.decode(.remoteAs)
        remotePort = try object.decode(.remotePort)
        setMultiHop = try object.decode(.setMultiHop)
    }
}
