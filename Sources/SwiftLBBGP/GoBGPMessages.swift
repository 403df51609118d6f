import Foundation
import GoBGPAPI
import SwiftLBCore
import SwiftProtobuf

/// The pure translation between SwiftLB's BGP values and gobgp's protobuf messages.
public enum GoBGPMessages {
    /// ORIGIN IGP: the VIPs are originated here.
    static let originIGP: UInt32 = 0

    /// The address family of IPv4 or IPv6 unicast.
    public static func family(v4: Bool) -> Apipb_Family {
        var family = Apipb_Family()
        family.afi = v4 ? .ip : .ip6
        family.safi = .unicast
        return family
    }

    /// A peer with both unicast families enabled (MP-BGP carries IPv6 routes over an IPv4 session
    /// and the other way round).
    public static func peer(_ peer: BGPPeer) -> Apipb_Peer {
        var message = Apipb_Peer()
        message.conf.neighborAddress = peer.address.description
        message.conf.peerAsn = peer.asn
        message.transport.remotePort = UInt32(peer.port)
        if peer.multihop {
            message.ebgpMultihop.enabled = true
            message.ebgpMultihop.multihopTtl = UInt32(GoBGPConfigFile.multihopTTL)
        }
        message.afiSafis = [true, false].map { v4 in
            var afiSafi = Apipb_AfiSafi()
            afiSafi.config.family = family(v4: v4)
            afiSafi.config.enabled = true
            return afiSafi
        }
        return message
    }

    /// What gobgpd reports for a peer, as SwiftLB's status. Nil when the address is unreadable.
    public static func status(_ message: Apipb_Peer, now: Date) -> PeerStatus? {
        let text = message.conf.neighborAddress.isEmpty ? message.state.neighborAddress : message.conf.neighborAddress
        guard let address = IPAddress(text) else { return nil }
        let port =
            message.transport.remotePort == 0
            ? BGPValidator.defaultPort : UInt16(clamping: message.transport.remotePort)
        let asn = message.conf.peerAsn != 0 ? message.conf.peerAsn : message.state.peerAsn
        let peer = BGPPeer(address: address, asn: asn, port: port, multihop: message.ebgpMultihop.enabled)
        let state = sessionState(message.state.sessionState)
        let timers = message.timers.state
        let since: Google_Protobuf_Timestamp? =
            state == "established"
            ? (timers.hasUptime ? timers.uptime : nil) : (timers.hasDowntime ? timers.downtime : nil)
        let seconds = since.flatMap { stamp in
            stamp.seconds > 0 ? max(0, Int(now.timeIntervalSince1970) - Int(stamp.seconds)) : nil
        }
        return PeerStatus(peer: peer, state: state, secondsInState: seconds)
    }

    /// gobgp's session state in lower case, as loxilb shows it.
    public static func sessionState(_ state: Apipb_PeerState.SessionState) -> String {
        switch state {
        case .idle: "idle"
        case .connect: "connect"
        case .active: "active"
        case .opensent: "opensent"
        case .openconfirm: "openconfirm"
        case .established: "established"
        case .unknown, .UNRECOGNIZED: "unknown"
        }
    }

    /// The path announcing `advertisement`: NLRI (IPAddressPrefix) plus ORIGIN, the next hop (NEXT_HOP
    /// for IPv4, MP_REACH_NLRI for IPv6; "0.0.0.0"/"::" lets gobgpd fill in its own address), and
    /// LOCAL_PREF and MED when set.
    public static func path(_ advertisement: Advertisement) throws -> Apipb_Path {
        let v4 = advertisement.vip.isV4
        var prefix = Apipb_IPAddressPrefix()
        prefix.prefix = advertisement.vip.description
        prefix.prefixLen = UInt32(advertisement.prefixLength)
        var origin = Apipb_OriginAttribute()
        origin.origin = originIGP
        var attributes = [try Google_Protobuf_Any(message: origin)]
        let nextHop = advertisement.nextHop?.description ?? (v4 ? "0.0.0.0" : "::")
        if v4 {
            var hop = Apipb_NextHopAttribute()
            hop.nextHop = nextHop
            attributes.append(try Google_Protobuf_Any(message: hop))
        } else {
            var reach = Apipb_MpReachNLRIAttribute()
            reach.family = family(v4: false)
            reach.nextHops = [nextHop]
            reach.nlris = [try Google_Protobuf_Any(message: prefix)]
            attributes.append(try Google_Protobuf_Any(message: reach))
        }
        if let localPref = advertisement.localPref {
            var attribute = Apipb_LocalPrefAttribute()
            attribute.localPref = localPref
            attributes.append(try Google_Protobuf_Any(message: attribute))
        }
        if let med = advertisement.med {
            var attribute = Apipb_MultiExitDiscAttribute()
            attribute.med = med
            attributes.append(try Google_Protobuf_Any(message: attribute))
        }
        var path = Apipb_Path()
        path.family = family(v4: v4)
        path.nlri = try Google_Protobuf_Any(message: prefix)
        path.pattrs = attributes
        return path
    }

    /// The learned route of one destination: its best path, when that path came from a peer, is
    /// usable and has a next hop. Local paths (SwiftLB's own VIPs) and withdrawn or filtered ones
    /// give nil.
    public static func learnedRoute(_ destination: Apipb_Destination) -> LearnedRoute? {
        guard let prefix = LearnedRoute.parsePrefix(destination.prefix) else { return nil }
        for path in destination.paths where path.best {
            guard !path.isWithdraw, !path.filtered, !path.isNexthopInvalid,
                let neighbor = IPAddress(path.neighborIp), !neighbor.isUnspecified,
                let hop = nextHop(path), !hop.isUnspecified
            else { continue }
            return LearnedRoute(network: prefix.network, length: prefix.length, nextHops: [hop])
        }
        return nil
    }

    /// The next hop of a path: NEXT_HOP, or the first global address of MP_REACH_NLRI.
    static func nextHop(_ path: Apipb_Path) -> IPAddress? {
        for attribute in path.pattrs {
            if let hop = try? Apipb_NextHopAttribute(unpackingAny: attribute) {
                return IPAddress(hop.nextHop)
            }
            if let reach = try? Apipb_MpReachNLRIAttribute(unpackingAny: attribute) {
                // A link-local next hop needs an interface the kernel route would have to name; the
                // global one (listed first by RFC 2545) is used.
                return reach.nextHops.compactMap(IPAddress.init).first { !$0.isLinkLocalV6 }
            }
        }
        return nil
    }
}

extension IPAddress {
    /// True for IPv6 fe80::/10.
    var isLinkLocalV6: Bool {
        guard case .v6(let bytes) = self else { return false }
        return bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80
    }
}
