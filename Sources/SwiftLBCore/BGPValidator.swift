/// Checks BGP configuration from the API or the config store; every error is a 400 naming the field.
public enum BGPValidator {
    /// The BGP port used when a request leaves it 0.
    public static let defaultPort: UInt16 = 179

    /// Validates loxilb's global configuration.
    public static func global(_ config: BGPGlobalConfig) throws(APIError) -> BGPSettings {
        let asn = try asNumber(config.localAs, field: "localAs")
        let field = "routerId"
        guard !config.routerId.isEmpty else {
            throw .badRequest(field: field, message: "\(field) is required; give an IPv4 address such as 10.0.0.1")
        }
        guard let routerID = IPAddress(config.routerId), routerID.isV4 else {
            throw .badRequest(
                field: field,
                message: "\(field) \"\(config.routerId)\" is not an IPv4 address; BGP router IDs are dotted quads "
                    + "such as 10.0.0.1 (also on IPv6-only hosts)")
        }
        guard !routerID.isUnspecified, !routerID.isBroadcast, !routerID.isMulticast else {
            throw .badRequest(
                field: field, message: "\(field) \(routerID) cannot identify a router; use a unicast address")
        }
        let port = try port(config.listenPort, field: "listenPort")
        return BGPSettings(asn: asn, routerID: routerID, listenPort: port, nextHopSelf: config.setNextHopSelf)
    }

    /// Validates one loxilb neighbor.
    public static func neighbor(_ config: BGPNeighbor) throws(APIError) -> BGPPeer {
        let address = try peerAddress(config.ipAddress, field: "ipAddress")
        let asn = try asNumber(config.remoteAs, field: "remoteAs")
        let port = try port(config.remotePort, field: "remotePort")
        return BGPPeer(address: address, asn: asn, port: port, multihop: config.setMultiHop)
    }

    /// Validates a neighbor address given in a path (`DELETE /config/bgp/neigh/{ip_address}`).
    public static func peerAddress(_ text: String, field: String) throws(APIError) -> IPAddress {
        guard !text.isEmpty else {
            throw .badRequest(field: field, message: "\(field) is required; give the neighbor's IPv4 or IPv6 address")
        }
        guard let address = IPAddress(text) else {
            throw .badRequest(field: field, message: "\(field) \"\(text)\" is not an IPv4 or IPv6 address")
        }
        if let problem = RuleValidator.unusableReason(address, allowLoopback: true) {
            throw .badRequest(
                field: field, message: "\(field) \(text) is \(problem); give the neighbor's unicast address")
        }
        return address
    }

    /// Validates an autonomous system number (4-octet ASNs included; 0 is reserved).
    public static func asNumber(_ value: Int, field: String) throws(APIError) -> UInt32 {
        guard value != 0 else {
            throw .badRequest(field: field, message: "\(field) is required; give an AS number from 1 to 4294967295")
        }
        guard let asn = UInt32(exactly: value) else {
            throw .badRequest(field: field, message: "\(field) \(value) is out of range; use 1 to 4294967295")
        }
        return asn
    }

    private static func port(_ value: Int, field: String) throws(APIError) -> UInt16 {
        if value == 0 { return defaultPort }
        guard (1...65535).contains(value), let port = UInt16(exactly: value) else {
            throw .badRequest(field: field, message: "\(field) \(value) is out of range; use 1 to 65535 (0 means 179)")
        }
        return port
    }
}
