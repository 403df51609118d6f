import SwiftLBCore

/// One route SwiftLB announces: a VIP as a host route (/32 or /128) with its path attributes.
public struct Advertisement: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The VIP.
    public var vip: IPAddress
    /// The next hop to announce; nil lets gobgpd put the session's local address (next-hop self).
    public var nextHop: IPAddress?
    /// LOCAL_PREF (iBGP only; eBGP peers ignore it), or nil for gobgpd's default.
    public var localPref: UInt32?
    /// MULTI_EXIT_DISC, or nil to send none.
    public var med: UInt32?

    /// Creates an advertisement.
    public init(vip: IPAddress, nextHop: IPAddress? = nil, localPref: UInt32? = nil, med: UInt32? = nil) {
        self.vip = vip
        self.nextHop = nextHop
        self.localPref = localPref
        self.med = med
    }

    /// 32 for IPv4, 128 for IPv6.
    public var prefixLength: Int { vip.isV4 ? 32 : 128 }

    /// "10.0.0.1/32", "2001:db8::1/128".
    public var prefix: String { "\(vip)/\(prefixLength)" }

    /// The prefix and the attributes that are set.
    public var description: String {
        var text = prefix
        if let nextHop { text += " nexthop \(nextHop)" }
        if let localPref { text += " local-pref \(localPref)" }
        if let med { text += " med \(med)" }
        return text
    }

    public static func < (lhs: Advertisement, rhs: Advertisement) -> Bool { lhs.vip < rhs.vip }
}

/// The path attributes given to every advertisement. A later HA subsystem changes them at run
/// time (`BGPSupervisor.setPolicy`) to make one instance preferred: a lower MED or a higher
/// local preference wins at the peer.
public struct AdvertisementPolicy: Sendable, Hashable {
    /// Next hop for IPv4 VIPs; nil means next-hop self.
    public var nextHopV4: IPAddress?
    /// Next hop for IPv6 VIPs; nil means next-hop self (gobgpd then uses the session's local
    /// address, which must be IPv6 for the peer to accept it).
    public var nextHopV6: IPAddress?
    /// LOCAL_PREF for every VIP, or nil.
    public var localPref: UInt32?
    /// MED for every VIP, or nil.
    public var med: UInt32?

    /// Creates a policy; the default announces next-hop self with no LOCAL_PREF or MED.
    public init(nextHopV4: IPAddress? = nil, nextHopV6: IPAddress? = nil, localPref: UInt32? = nil, med: UInt32? = nil)
    {
        self.nextHopV4 = nextHopV4
        self.nextHopV6 = nextHopV6
        self.localPref = localPref
        self.med = med
    }
}
