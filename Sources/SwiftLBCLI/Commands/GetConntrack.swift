import ArgumentParser
import SwiftLBCore

/// `get ct [-o wide|json] [--servName NAME]`: live connections.
public struct GetConntrack: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "ct", abstract: "Show tracked connections.", aliases: ["conntrack", "conntracks", "cts"])

    /// Only connections of the rule with this name.
    @Option(name: .customLong("servName"), help: "Show only connections of the rule with this name.")
    public var serviceName: String?

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Fetches the connections and prints them in the layout chosen with `-o`.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let list = try await environment.client.get(ConntrackList.self, path: LoadBalancerPaths.conntrack)
        let entries = ConntrackTable.visible(list.ctAttr, serviceName: serviceName)
        switch environment.format {
        case .json:
            environment.output.write(try JSONOutput.pretty(ConntrackList(ctAttr: entries)))
        case .wide:
            environment.output.write(ConntrackTable.render(entries, wide: true))
        case nil:
            environment.output.write(ConntrackTable.render(entries, wide: false))
        }
    }
}
