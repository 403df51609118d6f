import ArgumentParser
import SwiftLBCore

/// `get policy [-o wide|json]`: every policy, in loxicmd's columns, with SwiftLB's counters.
public struct GetPolicy: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Show QoS policies and their counters.",
        aliases: ["pol", "policys", "pols", "polices"])

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Fetches the policies and prints them.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let list = try await environment.client.get(PolicyList.self, path: PolicyPaths.all)
        switch environment.format {
        case .json: environment.output.write(try JSONOutput.pretty(list))
        case .wide: environment.output.write(PolicyTable.render(list.polAttr, wide: true))
        default: environment.output.write(PolicyTable.render(list.polAttr, wide: false))
        }
    }
}

/// The `get policy` table: loxicmd's columns (sorted by name), then the counters.
public enum PolicyTable {
    /// loxicmd's short columns.
    public static let headers = ["Ident", "peakInfoRate", "committedInfoRate"]
    /// loxicmd's wide columns.
    public static let wideHeaders = [
        "Ident", "peakInfoRate", "committedInfoRate", "excessBlkSize", "committedBlkSize", "policyType", "ColorAware",
        "polObjName", "attachment",
    ]
    /// SwiftLB's counter columns ("packets:bytes" per colour).
    public static let counterHeaders = ["GREEN", "YELLOW", "RED"]

    /// One row per policy.
    public static func render(_ entries: [PolicyEntry], wide: Bool) -> String {
        let rows = entries.sorted { $0.policyIdent < $1.policyIdent }.map { entry in
            let info = entry.policyInfo
            var row = [entry.policyIdent, "\(info.peakInfoRate)", "\(info.committedInfoRate)"]
            if wide {
                row += [
                    "\(info.excessBlkSize)", "\(info.committedBlkSize)", "\(info.type)", "\(info.colorAware)",
                    entry.targetObject.polObjName, "\(entry.targetObject.attachment)",
                ]
            }
            let stats = entry.policyStats ?? PolicyStats()
            return row + [
                "\(stats.greenPackets):\(stats.greenBytes)", "\(stats.yellowPackets):\(stats.yellowBytes)",
                "\(stats.redPackets):\(stats.redBytes)",
            ]
        }
        return TextTable(headers: (wide ? wideHeaders : headers) + counterHeaders, rows: rows).render()
    }
}
