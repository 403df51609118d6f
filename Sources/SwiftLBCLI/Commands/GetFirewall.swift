import ArgumentParser
import SwiftLBCore

/// `get firewall [-o json]`: every rule with its counters, in loxicmd's columns and order.
public struct GetFirewall: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "firewall", abstract: "Show firewall rules and their counters.",
        aliases: ["Firewall", "fw", "firewalls"])

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Fetches the rules and prints them.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let list = try await environment.client.get(FirewallList.self, path: FirewallPaths.all)
        if environment.format == .json {
            environment.output.write(try JSONOutput.pretty(list))
        } else {
            environment.output.write(FirewallTable.render(list.fwAttr))
        }
    }
}

/// The `get firewall` table, with loxicmd's columns, sorted by loxicmd's key.
public enum FirewallTable {
    /// Column titles.
    public static let headers = [
        "SOURCE IP", "DESTINATION IP", "MIN SPORT", "MAX SPORT", "MIN DPORT", "MAX DPORT", "PROTOCOL", "PORT NAME",
        "PREFERENCE", "OPTION", "COUNTERS",
    ]

    /// One row per rule.
    public static func render(_ entries: [FirewallEntry]) -> String {
        let sorted = entries.sorted { sortKey($0.ruleArguments) < sortKey($1.ruleArguments) }
        return TextTable(
            headers: headers,
            rows: sorted.map { entry in
                let rule = entry.ruleArguments
                return [
                    rule.sourceIP, rule.destinationIP, "\(rule.minSourcePort)", "\(rule.maxSourcePort)",
                    "\(rule.minDestinationPort)", "\(rule.maxDestinationPort)", "\(rule.protocol)", rule.portName,
                    "\(rule.preference)", option(entry.opts), entry.opts.counter,
                ]
            }
        ).render()
    }

    /// "Allow", "Drop", "Trap", "Redirect(eth1)", "Snat(ip:port)", then ",Record", ",FwMark(n)", ",Egr",
    /// ",Every".
    static func option(_ opts: FirewallOptions) -> String {
        var text =
            opts.allow
            ? "Allow"
            : opts.drop
                ? "Drop"
                : opts.trap
                    ? "Trap"
                    : opts.redirect
                        ? "Redirect(\(opts.redirectPortName))" : opts.doSnat ? "Snat(\(opts.toIP):\(opts.toPort))" : ""
        if opts.record { text += ",Record" }
        if opts.fwMark != 0 { text += ",FwMark(\(opts.fwMark))" }
        if opts.onDefault { text += ",Egr" }
        if opts.everyPacket { text += ",Every" }
        return text
    }

    private static func sortKey(_ rule: FirewallRuleArguments) -> String {
        func padded(_ value: Int) -> String { String(repeating: "0", count: max(0, 5 - "\(value)".count)) + "\(value)" }
        return [
            rule.sourceIP, rule.destinationIP, padded(rule.minSourcePort), padded(rule.maxSourcePort),
            padded(rule.minDestinationPort), padded(rule.maxDestinationPort), "\(rule.protocol)",
        ].joined(separator: "|")
    }
}
