/// One end of a GTP-U tunnel: a TEID and the IPv4 address that owns it.
public struct GTPTunnel: Hashable, Sendable {
    /// Tunnel endpoint identifier (TS 29.281), 1 ... 0xffffffff.
    public var teid: UInt32
    /// The IPv4 address of the tunnel's end.
    public var address: IPAddress

    /// A tunnel end.
    public init(teid: UInt32, address: IPAddress) {
        self.teid = teid
        self.address = address
    }
}

/// An uplink classifier of a session (loxilb's sessionulcl): uplink packets of the session's UE
/// marked with `qfi` go to `address` as next hop; downlink packets from `address` carry `qfi`.
public struct GTPClassifier: Hashable, Sendable {
    /// QoS flow identifier (TS 38.415), 0 ... 63.
    public var qfi: UInt8
    /// The breakout address.
    public var address: IPAddress

    /// A classifier.
    public init(qfi: UInt8, address: IPAddress) {
        self.qfi = qfi
        self.address = address
    }
}

/// A GTP-U user plane session (loxilb's session), named as in 3GPP and loxilb: the core network
/// tunnel is the UPF's own end (uplink G-PDUs arrive with its TEID at its address), the access
/// network tunnel is the gNB's end (downlink G-PDUs go there with its TEID).
public struct GTPSession: Hashable, Sendable {
    /// The QFI of downlink packets that come from no classifier's address.
    public static let defaultQFI: UInt8 = 1

    /// loxilb's `ident`: the user's name.
    public var ident: String
    /// The UE's IPv4 address (loxilb's `sessionIP`).
    public var ueAddress: IPAddress
    /// The gNB's end.
    public var accessTunnel: GTPTunnel
    /// The UPF's own end.
    public var coreTunnel: GTPTunnel
    /// Uplink classifiers, at most one per QFI and one per address.
    public var classifiers: [GTPClassifier]

    /// A session.
    public init(
        ident: String, ueAddress: IPAddress, accessTunnel: GTPTunnel, coreTunnel: GTPTunnel,
        classifiers: [GTPClassifier] = []
    ) {
        self.ident = ident
        self.ueAddress = ueAddress
        self.accessTunnel = accessTunnel
        self.coreTunnel = coreTunnel
        self.classifiers = classifiers
    }
}

/// Packets and bytes of a session in each direction (inner IP lengths).
public struct GTPSessionCounter: Hashable, Sendable {
    /// Uplink packets decapsulated.
    public var uplinkPackets: UInt64
    /// Their inner bytes.
    public var uplinkBytes: UInt64
    /// Downlink packets encapsulated.
    public var downlinkPackets: UInt64
    /// Their inner bytes.
    public var downlinkBytes: UInt64

    /// Counters.
    public init(
        uplinkPackets: UInt64 = 0, uplinkBytes: UInt64 = 0, downlinkPackets: UInt64 = 0, downlinkBytes: UInt64 = 0
    ) {
        self.uplinkPackets = uplinkPackets
        self.uplinkBytes = uplinkBytes
        self.downlinkPackets = downlinkPackets
        self.downlinkBytes = downlinkBytes
    }
}
