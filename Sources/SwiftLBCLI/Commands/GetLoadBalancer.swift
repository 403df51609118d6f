import ArgumentParser
import SwiftLBCore

/// `get lb [-o wide|json] [--servName NAME]`: the rules as a table or as the API's JSON.
public struct GetLoadBalancer: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "lb", abstract: "Show load-balancer rules.", aliases: ["loadbalancer", "loadbalancers", "lbs"])

    /// Only the rule with this name.
    @Option(name: .customLong("servName"), help: "Show only the rule with this name.")
    public var serviceName: String?

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Fetches the rules and prints them in the layout chosen with `-o`.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let list = try await environment.client.get(LoadBalancerList.self, path: LoadBalancerPaths.all)
        let entries = LoadBalancerTable.visible(list.lbAttr, serviceName: serviceName)
        switch environment.format {
        case .json:
            environment.output.write(try JSONOutput.pretty(LoadBalancerList(lbAttr: entries)))
        case .wide:
            environment.output.write(LoadBalancerTable.render(entries, wide: true))
        case nil:
            environment.output.write(LoadBalancerTable.render(entries, wide: false))
        }
    }
}
