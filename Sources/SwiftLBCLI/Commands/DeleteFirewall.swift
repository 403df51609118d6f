import ArgumentParser
import SwiftLBCore

/// `delete firewall --firewallRule=KEY:VALUE,...` (loxicmd's grammar): the rule with exactly this match.
public struct DeleteFirewall: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "firewall", abstract: "Delete a firewall rule.",
        discussion: """
            Example:
              delete firewall --firewallRule="sourceIP:1.2.3.2/32,destinationIP:2.3.1.2/32,preference:200"
            """,
        aliases: ["Firewall", "fw", "firewalls"])

    /// The match of the rule.
    @Option(name: .customLong("firewallRule"), help: "The rule's match: key:value pairs separated by commas.")
    public var firewallRule: [String] = []

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The DELETE this command sends.
    public func request() throws(CLIError) -> APIRequest {
        guard !firewallRule.isEmpty else { throw .invalidInput("--firewallRule is required") }
        return APIRequest(method: .delete, path: FirewallPaths.delete(try FirewallRuleSpec.parse(firewallRule)))
    }

    /// Sends the DELETE.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        try await environment.client.send(try request())
        environment.output.write("deleted firewall rule")
    }
}
