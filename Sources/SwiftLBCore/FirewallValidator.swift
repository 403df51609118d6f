/// Checks a firewall entry completely before anything changes (400 naming the field) and builds
/// the rule, with loxilb's defaults: an empty prefix is "any" of the other prefix's family
/// (IPv4 when both are empty), ports 0/0 are any port, no action is drop.
public enum FirewallValidator {
    /// The largest preference (loxilb's datapath keeps 16 bits).
    public static let maxPreference = 65535

    /// The rule `entry` describes, or a 400 naming the first bad field.
    public static func rule(from entry: FirewallEntry) throws(APIError) -> FirewallRule {
        let args = entry.ruleArguments
        var key = try canonicalKey(args)
        let source = IPPrefix(key.sourceIP)!
        let destination = IPPrefix(key.destinationIP)!
        let proto = UInt8(args.protocol)
        let sourcePorts = try ports(args.minSourcePort, args.maxSourcePort, field: "SourcePort", proto: proto)
        let destinationPorts = try ports(
            args.minDestinationPort, args.maxDestinationPort, field: "DestinationPort", proto: proto)
        key.portName = args.portName
        let opts = entry.opts
        try refuseUnsupported(opts)
        let chosen = [opts.allow, opts.drop, opts.trap, opts.redirect, opts.doSnat].filter { $0 }.count
        guard chosen <= 1 else {
            throw .badRequest(field: "opts", message: "choose one action of allow, drop, trap, redirect and doSnat")
        }
        if opts.redirect && (opts.redirectPortName.isEmpty || opts.redirectPortName.count > 15) {
            throw .badRequest(field: "opts.redirectPortName", message: "redirect needs the interface's name")
        }
        guard (0...Int(UInt32.max)).contains(opts.fwMark) else {
            throw .badRequest(field: "opts.fwMark", message: "fwMark must be 0...4294967295")
        }
        let action: FirewallRule.Action =
            opts.doSnat
            ? try snat(opts, ruleIsV4: source.address.isV4)
            : opts.allow ? .allow : opts.trap ? .trap : opts.redirect ? .redirect(opts.redirectPortName) : .drop
        var rule = FirewallRule(
            source: source, destination: destination, sourcePorts: sourcePorts, destinationPorts: destinationPorts,
            proto: proto, inPort: args.portName, preference: UInt16(args.preference), action: action,
            mark: UInt32(opts.fwMark), key: key)
        rule.everyPacket = opts.everyPacket
        return rule
    }

    /// The canonical identity of `args` (also what a DELETE's query is turned into): prefixes
    /// defaulted and written in canonical form, the numbers checked.
    public static func canonicalKey(_ args: FirewallRuleArguments) throws(APIError) -> FirewallRuleArguments {
        var key = args
        let givenSource = try prefix(args.sourceIP, field: "ruleArguments.sourceIP")
        let givenDestination = try prefix(args.destinationIP, field: "ruleArguments.destinationIP")
        let v4 = (givenSource ?? givenDestination)?.address.isV4 ?? true
        let any = IPPrefix(v4 ? "0.0.0.0/0" : "::/0")!
        let source = givenSource ?? any
        let destination = givenDestination ?? any
        guard source.address.isV4 == destination.address.isV4 else {
            throw .badRequest(
                field: "ruleArguments.destinationIP", message: "sourceIP and destinationIP must be the same family")
        }
        key.sourceIP = source.description
        key.destinationIP = destination.description
        guard (0...255).contains(args.protocol) else {
            throw .badRequest(
                field: "ruleArguments.protocol", message: "protocol must be an IP protocol number 0...255")
        }
        guard (0...maxPreference).contains(args.preference) else {
            throw .badRequest(field: "ruleArguments.preference", message: "preference must be 0...\(maxPreference)")
        }
        for (value, name) in [
            (args.minSourcePort, "minSourcePort"), (args.maxSourcePort, "maxSourcePort"),
            (args.minDestinationPort, "minDestinationPort"), (args.maxDestinationPort, "maxDestinationPort"),
        ] where !(0...65535).contains(value) {
            throw .badRequest(field: "ruleArguments.\(name)", message: "\(name) must be 0...65535")
        }
        guard args.portName.count <= 15, !args.portName.contains("/") else {
            throw .badRequest(field: "ruleArguments.portName", message: "portName must be an interface name")
        }
        return key
    }

    private static func prefix(_ text: String, field: String) throws(APIError) -> IPPrefix? {
        if text.isEmpty { return nil }
        guard text.contains("/"), let prefix = IPPrefix(text) else {
            throw .badRequest(field: field, message: "'\(text)' is not a prefix in CIDR notation (10.0.0.0/24)")
        }
        return prefix
    }

    /// A port range; 0/0 is any. Ports only mean something for TCP, UDP and SCTP.
    private static func ports(_ low: Int, _ high: Int, field: String, proto: UInt8) throws(APIError)
        -> ClosedRange<UInt16>
    {
        if low == 0 && high == 0 { return 0...65535 }
        let upper = high == 0 ? low : high
        guard low <= upper else {
            throw .badRequest(field: "ruleArguments.max\(field)", message: "max\(field) is below min\(field)")
        }
        guard [6, 17, 132].contains(proto) else {
            throw .badRequest(
                field: "ruleArguments.protocol", message: "port ranges need protocol 6 (tcp), 17 (udp) or 132 (sctp)")
        }
        return UInt16(low)...UInt16(upper)
    }

    /// The SNAT action of `opts` (doSnat set): a `toIP` of the rule's family, a port, no mark.
    private static func snat(_ opts: FirewallOptions, ruleIsV4: Bool) throws(APIError) -> FirewallRule.Action {
        guard let address = IPAddress(opts.toIP) else {
            throw .badRequest(
                field: "opts.toIP", message: "doSnat needs toIP, the source address (10.0.0.1 or fd00::1)")
        }
        guard address.isV4 == ruleIsV4 else {
            let family = address.isV4 ? "IPv4" : "IPv6"
            throw .badRequest(
                field: "opts.toIP", message: "an \(family) toIP needs an \(family) rule (sourceIP, destinationIP)")
        }
        guard !address.isUnspecified, !address.isMulticast else {
            throw .badRequest(field: "opts.toIP", message: "toIP must be a unicast address of this host")
        }
        guard (0...65535).contains(opts.toPort) else {
            throw .badRequest(field: "opts.toPort", message: "toPort must be 0...65535 (0: keep the client's port)")
        }
        // As loxilb: the mark of a SNAT rule is its own business.
        guard opts.fwMark == 0 else {
            throw .badRequest(field: "opts.fwMark", message: "a doSnat rule sets no fwMark")
        }
        return .snat(address: address, port: UInt16(opts.toPort), onDefault: opts.onDefault)
    }

    private static func refuseUnsupported(_ opts: FirewallOptions) throws(APIError) {
        if opts.record {
            throw .badRequest(
                field: "opts.record", message: "recording matching packets is not supported by SwiftLB yet")
        }
        if opts.everyPacket && opts.doSnat {
            throw .badRequest(
                field: "opts.everyPacket", message: "everyPacket does not go with doSnat: a SNAT rule acts on new flows"
            )
        }
        if opts.onDefault && !opts.doSnat {
            throw .badRequest(field: "opts.onDefault", message: "onDefault (--egress) only goes with doSnat (--snat)")
        }
    }
}
