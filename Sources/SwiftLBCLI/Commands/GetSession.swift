import ArgumentParser
import SwiftLBCore

/// `get session [-o wide|json]`: sessions in loxicmd's columns, with SwiftLB's counters.
public struct GetSession: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Show GTP-U sessions.", aliases: ["sessions"])

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Fetches the sessions and prints them.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let list = try await environment.client.get(SessionList.self, path: SessionPaths.all)
        switch environment.format {
        case .json: environment.output.write(try JSONOutput.pretty(list))
        case .wide: environment.output.write(SessionTable.render(list.sessionAttr, wide: true))
        default: environment.output.write(SessionTable.render(list.sessionAttr, wide: false))
        }
    }
}

/// `get sessionulcl [-o json]`: classifiers in loxicmd's columns.
public struct GetSessionUlCl: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "sessionulcl", abstract: "Show uplink classifiers.", aliases: ["ulcl", "sessionulcls", "ulcls"])

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Fetches the classifiers and prints them.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let list = try await environment.client.get(SessionUlClList.self, path: SessionPaths.allClassifiers)
        if environment.format == .json {
            environment.output.write(try JSONOutput.pretty(list))
        } else {
            let rows = list.ulclAttr.sorted {
                ($0.ulclIdent, $0.ulclArgument.ulclIP) < ($1.ulclIdent, $1.ulclArgument.ulclIP)
            }
            .map { [$0.ulclIdent, $0.ulclArgument.ulclIP, "\($0.ulclArgument.qfi)"] }
            environment.output.write(TextTable(headers: ["IDENT", "ULCL IP", "QFI"], rows: rows).render())
        }
    }
}

/// The `get session` table: loxicmd's columns (wide: the tunnels too), then the counters.
public enum SessionTable {
    /// One row per session, sorted by ident.
    public static func render(_ entries: [SessionEntry], wide: Bool) -> String {
        let headers =
            wide
            ? ["IDENT", "SESSION IP", "ACCESS NETWORK TUNNEL", "CORE NETWORK TUNNEL", "UPLINK", "DOWNLINK"]
            : ["IDENT", "SESSION IP", "UPLINK", "DOWNLINK"]
        let rows = entries.sorted { $0.ident < $1.ident }.map { entry -> [String] in
            let counters = [entry.uplinkCounter ?? "", entry.downlinkCounter ?? ""]
            guard wide else { return [entry.ident, entry.sessionIP] + counters }
            let access = entry.accessNetworkTunnel
            let core = entry.coreNetworkTunnel
            return [
                entry.ident, entry.sessionIP, "TeID: \(access.teid) TunnelIP: \(access.tunnelIP)",
                "TeID: \(core.teid) TunnelIP: \(core.tunnelIP)",
            ] + counters
        }
        return TextTable(headers: headers, rows: rows).render()
    }
}
