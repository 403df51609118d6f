import ArgumentParser
import SwiftLBCore

/// `get bgpneighbor [-o json]`: every neighbor with its session state.
public struct GetBGPNeighbor: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "bgpneighbor", abstract: "Show BGP neighbors and their session state.",
        aliases: ["bgpnei", "bgpneigh"])

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Fetches the neighbors and prints them.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let list = try await environment.client.get(BGPNeighborList.self, path: BGPPaths.neighbors)
        let entries = list.bgpNeiAttr.sorted { $0.ipAddress < $1.ipAddress }
        switch environment.format {
        case .json:
            environment.output.write(try JSONOutput.pretty(BGPNeighborList(bgpNeiAttr: entries)))
        case .wide, nil:
            environment.output.write(Self.table(entries).render())
        }
    }

    /// loxicmd's columns: peer, AS, up/down time, state.
    static func table(_ entries: [BGPNeighborEntry]) -> TextTable {
        TextTable(
            headers: ["Peer", "AS", "Up/Down", "State"],
            rows: entries.map { [$0.ipAddress, "\($0.remoteAs)", $0.updowntime, $0.state] })
    }
}
