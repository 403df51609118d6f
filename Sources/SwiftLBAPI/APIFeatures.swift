import SwiftLBCore

/// The daemon's optional subsystems the API serves: each one present drives its loxilb paths and
/// adds its counters to `/metrics`; an absent one's paths answer 503. One value instead of an
/// argument per feature, so a new feature is wired in one place.
public struct APIFeatures: Sendable {
    /// BGP (`/config/bgp/...`), with `--bgp`.
    public var bgp: (any BGPControl)?
    /// BFD sessions (`/config/bfd`).
    public var bfd: (any BFDControl)?
    /// HA instances (`/config/cistate`).
    public var ha: (any HAControl)?
    /// The firewall (`/config/firewall`).
    public var firewall: FirewallStore?
    /// GTP-U sessions (`/config/session`, `/config/sessionulcl`).
    public var sessions: GTPSessionStore?
    /// Mirrors (`/config/mirror`).
    public var mirrors: MirrorStore?
    /// QoS policies (`/config/policy`).
    public var policies: PolicyStore?
    /// More Prometheus text appended to `/metrics` as it is (the L7 proxy's metrics).
    public var extraMetrics: (@Sendable () -> String)?

    /// The features given; the rest absent.
    public init(
        bgp: (any BGPControl)? = nil, bfd: (any BFDControl)? = nil, ha: (any HAControl)? = nil,
        firewall: FirewallStore? = nil, sessions: GTPSessionStore? = nil, mirrors: MirrorStore? = nil,
        policies: PolicyStore? = nil, extraMetrics: (@Sendable () -> String)? = nil
    ) {
        self.bgp = bgp
        self.bfd = bfd
        self.ha = ha
        self.firewall = firewall
        self.sessions = sessions
        self.mirrors = mirrors
        self.policies = policies
        self.extraMetrics = extraMetrics
    }
}
