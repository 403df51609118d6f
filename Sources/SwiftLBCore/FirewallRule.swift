/// A validated firewall rule: what the datapath matches and does.
///
/// Built only by `FirewallValidator`; `key` is its identity (loxilb's: every match field,
/// preference included, prefixes in canonical form).
public struct FirewallRule: Sendable, Hashable {
    /// What a matching packet gets.
    public enum Action: Sendable, Hashable {
        /// Passes on (to load balancing, or untouched).
        case allow
        /// Dropped.
        case drop
        /// Handed to the host's stack untouched, skipping load balancing.
        case trap
        /// Sent out of the named interface untouched (loxilb's redirect to a port).
        case redirect(String)
        /// A tracked flow to the packet's own destination with its source rewritten to `address`
        /// (loxilb's `--snat`); the source port is allocated, starting at `port` (0: the client's
        /// own). `onDefault` (loxilb's `--egress`): only for packets no service takes.
        case snat(address: IPAddress, port: UInt16, onDefault: Bool)
    }

    /// Source prefix (same family as `destination`).
    public var source: IPPrefix
    /// Destination prefix.
    public var destination: IPPrefix
    /// Source ports matched (0...65535 for any).
    public var sourcePorts: ClosedRange<UInt16>
    /// Destination ports matched.
    public var destinationPorts: ClosedRange<UInt16>
    /// IP protocol, 0 for any.
    public var proto: UInt8
    /// Interface name, "" for any.
    public var inPort: String
    /// Higher wins among matching rules.
    public var preference: UInt16
    /// The action.
    public var action: Action
    /// skb->mark set on matching packets, 0 for none.
    public var mark: UInt32
    /// The rule also acts on packets of tracked flows (opts.everyPacket).
    public var everyPacket = false

    /// The rule's identity: its match in canonical form.
    public var key: FirewallRuleArguments

    /// True for IPv4 rules.
    public var isV4: Bool { source.address.isV4 }

    /// The rule as loxilb's API shows it, with `counter` filled in by the caller.
    public var entry: FirewallEntry {
        var opts = FirewallOptions(fwMark: Int(mark), everyPacket: everyPacket)
        switch action {
        case .allow: opts.allow = true
        case .drop: opts.drop = true
        case .trap: opts.trap = true
        case .redirect(let port):
            opts.redirect = true
            opts.redirectPortName = port
        case .snat(let address, let port, let onDefault):
            opts.doSnat = true
            opts.toIP = address.description
            opts.toPort = Int(port)
            opts.onDefault = onDefault
        }
        return FirewallEntry(ruleArguments: key, opts: opts)
    }
}
