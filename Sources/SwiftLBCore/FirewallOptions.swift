/// loxilb's firewall action (`opts` of `POST /netlox/v1/config/firewall`).
///
/// Exactly one of `allow`, `drop`, `trap`, `redirect` (with `redirectPortName`) and `doSnat` is the
/// action; `record` and `fwMark` add to it. `counter` is filled in answers only ("packets:bytes").
public struct FirewallOptions: Codable, Sendable, Hashable {
    /// Drop matching packets.
    public var drop: Bool
    /// Hand matching packets to the host's stack (skip load balancing).
    public var trap: Bool
    /// Send matching packets out of `redirectPortName`, untouched.
    public var redirect: Bool
    /// The interface `redirect` sends to.
    public var redirectPortName: String
    /// Let matching packets through.
    public var allow: Bool
    /// A mark set on matching packets (skb->mark), 0 for none.
    public var fwMark: Int
    /// Record matching packets (not offered by SwiftLB; refused).
    public var record: Bool
    /// Source NAT matching flows to `toIP`:`toPort`.
    public var doSnat: Bool
    /// SNAT address.
    public var toIP: String
    /// SNAT port.
    public var toPort: Int
    /// SNAT only for packets no load balancer rule takes (loxicmd `--egress`); MASTER only.
    public var onDefault: Bool
    /// SwiftLB's own: the rule also acts on every packet of flows already tracked (not only on a
    /// flow's first packet). Not with doSnat. loxilb's clients leave it out (false).
    public var everyPacket: Bool
    /// "packets:bytes" of matching packets, in answers.
    public var counter: String

    /// Creates options; every field defaults to its Go zero value.
    public init(
        drop: Bool = false, trap: Bool = false, redirect: Bool = false, redirectPortName: String = "",
        allow: Bool = false, fwMark: Int = 0, record: Bool = false, doSnat: Bool = false, toIP: String = "",
        toPort: Int = 0, onDefault: Bool = false, everyPacket: Bool = false, counter: String = ""
    ) {
        self.drop = drop
        self.trap = trap
        self.redirect = redirect
        self.redirectPortName = redirectPortName
        self.allow = allow
        self.fwMark = fwMark
        self.record = record
        self.doSnat = doSnat
        self.toIP = toIP
        self.toPort = toPort
        self.onDefault = onDefault
        self.everyPacket = everyPacket
        self.counter = counter
    }

    enum CodingKeys: String, CodingKey {
        case drop, trap, redirect, redirectPortName, allow, fwMark, record, doSnat, toIP, toPort, onDefault
        case everyPacket, counter
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        drop = try object.decode(.drop)
        trap = try object.decode(.trap)
        redirect = try object.decode(.redirect)
        redirectPortName = try object.decode(.redirectPortName)
        allow = try object.decode(.allow)
        fwMark = try object.decode(.fwMark)
        record = try object.decode(.record)
        doSnat = try object.decode(.doSnat)
        toIP = try object.decode(.toIP)
        toPort = try object.decode(.toPort)
        onDefault = try object.decode(.onDefault)
        everyPacket = try object.decode(.everyPacket)
        counter = try object.decode(.counter)
    }
}

extension FirewallOptions: GoZeroValue {
    static var goZero: FirewallOptions { FirewallOptions() }
}
