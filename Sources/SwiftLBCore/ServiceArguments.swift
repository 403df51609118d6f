/// The `serviceArguments` object of a loxilb load-balancer entry: what the service is and how it behaves.
///
/// Field names and types are loxilb's, plus SwiftLB's `snatSources`. Decoding is Go-style
/// (case-insensitive keys, unknown keys ignored, missing or `null` fields zero); encoding always
/// writes every loxilb field.
public struct ServiceArguments: Codable, Sendable, Hashable {
    /// The service's virtual IP (required).
    public var externalIP: String
    /// Private IP for the service (loxilb's `privateIP`).
    public var privateIP: String
    /// The service port, or the first port of a range.
    public var port: Int
    /// The last port of a range; 0 for a single port.
    public var portMax: Int
    /// "tcp", "udp", "sctp" or "icmp".
    public var `protocol`: String
    /// Endpoint selection algorithm code (see `SelectionAlgorithm`).
    public var sel: Int
    /// NAT mode code (see `NATMode`).
    public var mode: Int
    /// Advertise the VIP over BGP.
    public var bgp: Bool
    /// Health-check the endpoints.
    public var monitor: Bool
    /// Probe type: "tcp", "udp", "sctp", "http", "https", "ping" or "none".
    public var probetype: String
    /// Probe port.
    public var probeport: Int
    /// Probe request (HTTP probes).
    public var probereq: String
    /// Expected probe response (HTTP probes).
    public var proberesp: String
    /// Probe timeout in seconds.
    public var probeTimeout: Int
    /// Probe retries before an endpoint is marked down.
    public var probeRetries: Int
    /// Idle timeout of a connection in seconds; 0 means the protocol's default.
    public var inactiveTimeOut: Int
    /// Optional rule name. As in loxilb, several rules may share one (kube-loxilb names every port
    /// rule of a Service alike), and deleting by name removes them all.
    public var name: String
    /// Source-NAT the traffic (loxilb's `snat`).
    public var snat: Bool
    /// Set by controllers (kube-loxilb) for rules they own.
    public var managed: Bool
    /// 0 plain, 1 https, 2 end-to-end https.
    public var security: Int
    /// Firewall mark block.
    public var block: Int
    /// 0 create, 1 attach endpoints, 2 detach endpoints.
    public var oper: Int
    /// L7 host or URL.
    public var host: String
    /// Send a PROXY protocol v2 header to endpoints.
    public var proxyprotocolv2: Bool
    /// Egress (outbound) rule.
    public var egress: Bool
    /// SwiftLB's extension: the IPv4 addresses full NAT and onearm flows of this rule leave from, as
    /// one address, a prefix or a range (`SNATPool`); "" for the mode's default.
    public var snatSources: String
    /// SwiftLB's SRv6 SID of the load balancer for this rule (an IPv6 address): the outer source of
    /// packets sent along endpoints' `srv6Segments`, and where endpoints send their encapsulated
    /// replies (decapsulated with End.DX4 / End.DX6). "" for a rule without SRv6.
    public var srv6Sid: String

    /// Creates arguments; every field defaults to its Go zero value.
    public init(
        externalIP: String = "", privateIP: String = "", port: Int = 0, portMax: Int = 0, protocol: String = "",
        sel: Int = 0, mode: Int = 0, bgp: Bool = false, monitor: Bool = false, probetype: String = "",
        probeport: Int = 0, probereq: String = "", proberesp: String = "", probeTimeout: Int = 0,
        probeRetries: Int = 0, inactiveTimeOut: Int = 0, name: String = "", snat: Bool = false,
        managed: Bool = false, security: Int = 0, block: Int = 0, oper: Int = 0, host: String = "",
        proxyprotocolv2: Bool = false, egress: Bool = false, snatSources: String = "", srv6Sid: String = ""
    ) {
        self.srv6Sid = srv6Sid
        self.externalIP = externalIP
        self.privateIP = privateIP
        self.port = port
        self.portMax = portMax
        self.protocol = `protocol`
        self.sel = sel
        self.mode = mode
        self.bgp = bgp
        self.monitor = monitor
        self.probetype = probetype
        self.probeport = probeport
        self.probereq = probereq
        self.proberesp = proberesp
        self.probeTimeout = probeTimeout
        self.probeRetries = probeRetries
        self.inactiveTimeOut = inactiveTimeOut
        self.name = name
        self.snat = snat
        self.managed = managed
        self.security = security
        self.block = block
        self.oper = oper
        self.host = host
        self.proxyprotocolv2 = proxyprotocolv2
        self.egress = egress
        self.snatSources = snatSources
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case externalIP, privateIP, port, portMax, `protocol`, sel, mode, bgp, monitor, probetype, probeport
        case probereq, proberesp, probeTimeout, probeRetries, inactiveTimeOut, name, snat, managed, security
        case block, oper, host, proxyprotocolv2, egress, snatSources, srv6Sid
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        externalIP = try object.decode(.externalIP)
        privateIP = try object.decode(.privateIP)
        port = try object.decode(.port)
        portMax = try object.decode(.portMax)
        `protocol` = try object.decode(.protocol)
        sel = try object.decode(.sel)
        mode = try object.decode(.mode)
        bgp = try object.decode(.bgp)
        monitor = try object.decode(.monitor)
        probetype = try object.decode(.probetype)
        probeport = try object.decode(.probeport)
        probereq = try object.decode(.probereq)
        proberesp = try object.decode(.proberesp)
        probeTimeout = try object.decode(.probeTimeout)
        probeRetries = try object.decode(.probeRetries)
        inactiveTimeOut = try object.decode(.inactiveTimeOut)
        name = try object.decode(.name)
        snat = try object.decode(.snat)
        managed = try object.decode(.managed)
        security = try object.decode(.security)
        block = try object.decode(.block)
        oper = try object.decode(.oper)
        host = try object.decode(.host)
        proxyprotocolv2 = try object.decode(.proxyprotocolv2)
        egress = try object.decode(.egress)
        snatSources = try object.decode(.snatSources)
        srv6Sid = try object.decode(.srv6Sid)
    }

    /// Writes every loxilb field, and SwiftLB's `snatSources` only when set, so that a rule without
    /// it reads exactly as loxilb's.
    public func encode(to encoder: any Encoder) throws {
        var object = encoder.container(keyedBy: CodingKeys.self)
        try object.encode(externalIP, forKey: .externalIP)
        try object.encode(privateIP, forKey: .privateIP)
        try object.encode(port, forKey: .port)
        try object.encode(portMax, forKey: .portMax)
        try object.encode(`protocol`, forKey: .protocol)
        try object.encode(sel, forKey: .sel)
        try object.encode(mode, forKey: .mode)
        try object.encode(bgp, forKey: .bgp)
        try object.encode(monitor, forKey: .monitor)
        try object.encode(probetype, forKey: .probetype)
        try object.encode(probeport, forKey: .probeport)
        try object.encode(probereq, forKey: .probereq)
        try object.encode(proberesp, forKey: .proberesp)
        try object.encode(probeTimeout, forKey: .probeTimeout)
        try object.encode(probeRetries, forKey: .probeRetries)
        try object.encode(inactiveTimeOut, forKey: .inactiveTimeOut)
        try object.encode(name, forKey: .name)
        try object.encode(snat, forKey: .snat)
        try object.encode(managed, forKey: .managed)
        try object.encode(security, forKey: .security)
        try object.encode(block, forKey: .block)
        try object.encode(oper, forKey: .oper)
        try object.encode(host, forKey: .host)
        try object.encode(proxyprotocolv2, forKey: .proxyprotocolv2)
        try object.encode(egress, forKey: .egress)
        if !snatSources.isEmpty { try object.encode(snatSources, forKey: .snatSources) }
        if !srv6Sid.isEmpty { try object.encode(srv6Sid, forKey: .srv6Sid) }
    }
}

extension ServiceArguments: GoZeroValue {
    static var goZero: ServiceArguments { ServiceArguments() }
}
