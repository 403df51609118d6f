import ArgumentParser
import SwiftLBCore

/// `create firewall --firewallRule=KEY:VALUE,... --allow|--drop|--trap|--redirect=IF|--snat=IP[,PORT] [--egress]
/// [--setmark=N]` (loxicmd's grammar).
public struct CreateFirewall: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "firewall", abstract: "Create a firewall rule.",
        discussion: """
            Keys: sourceIP, destinationIP (CIDR), minSourcePort, maxSourcePort, minDestinationPort,
            maxDestinationPort, protocol (number), portName (interface), preference (higher wins).

            Examples:
              create firewall --firewallRule="sourceIP:1.2.3.2/32,destinationIP:2.3.1.2/32,preference:200" --drop
              create firewall --firewallRule="sourceIP:3ffe::1/128" --allow --setmark=10
              create firewall --firewallRule="sourceIP:10.0.0.0/24,preference:100" --snat=192.0.2.1 --egress
              create firewall --firewallRule="sourceIP:fd00:1::/64" --snat=fd00:77::1,3000
              create firewall --firewallRule="sourceIP:10.0.0.9/32" --drop --everyPacket
            """,
        aliases: ["Firewall", "fw", "firewalls"])

    /// The match.
    @Option(name: .customLong("firewallRule"), help: "The match: key:value pairs separated by commas.")
    public var firewallRule: [String] = []
    /// Actions.
    @Flag(name: .customLong("allow"), help: "Let matching packets through.") public var allow = false
    @Flag(name: .customLong("drop"), help: "Drop matching packets.") public var drop = false
    @Flag(name: .customLong("trap"), help: "Hand matching packets to the host's stack.") public var trap = false
    @Flag(name: .customLong("record"), help: "Record matching packets (not supported by SwiftLB).")
    public var record = false
    @Flag(name: .customLong("egress"), help: "With --snat: only for packets that no load balancer rule takes.")
    public var egress = false
    @Option(name: .customLong("redirect"), help: "Send matching packets out of this interface.")
    public var redirect: [String] = []
    @Option(
        name: .customLong("snat"),
        help:
            "Source NAT matching flows to IP (the rule's family); PORT is the first source port tried (default: the client's)."
    )
    public var snat: [String] = []
    @Option(name: .customLong("setmark"), help: "Set this fwmark on matching packets.")
    public var mark: UInt32 = 0
    @Flag(
        name: .customLong("everyPacket"),
        help: "Act on every packet, also of flows already tracked (SwiftLB's own; not with --snat).")
    public var everyPacket = false

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The body sent, built as loxicmd builds it (the first action flag given wins).
    public func entry() throws(CLIError) -> FirewallEntry {
        guard !firewallRule.isEmpty else { throw .invalidInput("--firewallRule is required") }
        var opts = FirewallOptions(record: record, onDefault: egress, everyPacket: everyPacket)
        if allow {
            opts.allow = true
        } else if drop {
            opts.drop = true
        } else if trap {
            opts.trap = true
        } else if let port = redirect.first {
            opts.redirect = true
            opts.redirectPortName = port
        } else if !snat.isEmpty {
            let parts = snat.flatMap { $0.split(separator: ",").map(String.init) }
            guard (1...2).contains(parts.count), parts.count == 1 || Int(parts[1]) != nil else {
                throw .invalidInput("--snat takes IP or IP,PORT")
            }
            opts.doSnat = true
            opts.toIP = parts[0]
            opts.toPort = parts.count == 2 ? Int(parts[1])! : 0
        }
        opts.fwMark = Int(mark)
        return FirewallEntry(ruleArguments: try FirewallRuleSpec.parse(firewallRule), opts: opts)
    }

    /// POSTs the rule.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        try await environment.client.send(
            APIRequest(method: .post, path: FirewallPaths.create, body: LoxiJSON.encode(try entry())))
        environment.output.write("created firewall rule")
    }
}
