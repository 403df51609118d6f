/// The validated BGP global settings: what `BGPValidator.global(_:)` makes of a `BGPGlobalConfig`.
public struct BGPSettings: Sendable, Hashable {
    /// The local autonomous system number.
    public var asn: UInt32
    /// The router ID (always IPv4).
    public var routerID: IPAddress
    /// The TCP port the speaker listens on.
    public var listenPort: UInt16
    /// loxilb's `setNextHopSelf`, kept so that GET echoes it.
    public var nextHopSelf: Bool

    /// Creates settings; prefer `BGPValidator.global(_:)`, which checks every field.
    public init(asn: UInt32, routerID: IPAddress, listenPort: UInt16 = 179, nextHopSelf: Bool = false) {
        self.asn = asn
        self.routerID = routerID
        self.listenPort = listenPort
        self.nextHopSelf = nextHopSelf
    }

    /// The settings in loxilb's JSON form, with defaults filled in (`listenPort` 179 rather than 0).
    public var config: BGPGlobalConfig {
        BGPGlobalConfig(
            localAs: Int(asn), routerId: routerID.description, listenPort: Int(listenPort),
            setNextHopSelf: nextHopSelf)
    }
}

/// One validated BGP neighbor: what `BGPValidator.neighbor(_:)` makes of a `BGPNeighbor`.
public struct BGPPeer: Sendable, Hashable, Comparable {
    /// The peer's address (IPv4 or IPv6); it identifies the peer.
    public var address: IPAddress
    /// The peer's autonomous system number.
    public var asn: UInt32
    /// The peer's BGP port.
    public var port: UInt16
    /// eBGP multihop allowed.
    public var multihop: Bool

    /// Creates a peer; prefer `BGPValidator.neighbor(_:)`, which checks every field.
    public init(address: IPAddress, asn: UInt32, port: UInt16 = 179, multihop: Bool = false) {
        self.address = address
        self.asn = asn
        self.port = port
        self.multihop = multihop
    }

    /// The peer in loxilb's JSON form, with defaults filled in (`remotePort` 179 rather than 0).
    public var config: BGPNeighbor {
        BGPNeighbor(ipAddress: address.description, remoteAs: Int(asn), remotePort: Int(port), setMultiHop: multihop)
    }

    public static func < (lhs: BGPPeer, rhs: BGPPeer) -> Bool { lhs.address < rhs.address }
}
