import ArgumentParser
import SwiftLBCore

/// `get mirror [-o wide|json]`: every mirror, in loxicmd's columns, plus the copies' counters.
public struct GetMirror: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "mirror", abstract: "Show mirrors and their counters.", aliases: ["mirr", "mirrors"])

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Fetches the mirrors and prints them.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let list = try await environment.client.get(MirrorList.self, path: MirrorPaths.all)
        switch environment.format {
        case .json: environment.output.write(try JSONOutput.pretty(list))
        case .wide: environment.output.write(MirrorTable.render(list.mirrAttr, wide: true))
        case nil: environment.output.write(MirrorTable.render(list.mirrAttr, wide: false))
        }
    }
}

/// The `get mirror` table: loxicmd's columns (wide adds Sync), then SwiftLB's counters.
public enum MirrorTable {
    /// One row per mirror, sorted by name.
    public static func render(_ entries: [MirrorEntry], wide: Bool) -> String {
        var headers = ["MIRROR NAME", "MIRROR INFO", "TARGET ATTACHMENT", "TARGET NAME"]
        if wide { headers.append("SYNC") }
        headers += ["COUNTERS", "FAILURES"]
        let rows = entries.sorted { $0.mirrorIdent < $1.mirrorIdent }.map { entry in
            var row = [
                entry.mirrorIdent, info(entry.mirrorInfo),
                wide ? "\(entry.targetObject.attachment)" : attachment(entry.targetObject.attachment),
                entry.targetObject.mirrObjName,
            ]
            if wide { row.append("\(entry.sync ?? 0)") }
            row += [entry.counter ?? "", "\(entry.failures ?? 0)"]
            return row
        }
        return TextTable(headers: headers, rows: rows).render()
    }

    /// "Type : SPAN", then the fields that are set, as loxicmd prints them (on one line).
    static func info(_ info: MirrorInfo) -> String {
        var parts = [
            "Type : "
                + (["SPAN", "RSPAN", "ERSPAN"].indices.contains(info.type)
                    ? ["SPAN", "RSPAN", "ERSPAN"][info.type] : "\(info.type)")
        ]
        if !info.port.isEmpty { parts.append("Port : \(info.port)") }
        if !info.remoteIP.isEmpty { parts.append("Remote IP : \(info.remoteIP)") }
        if !info.sourceIP.isEmpty { parts.append("Source IP : \(info.sourceIP)") }
        if info.tunnelID != 0 { parts.append("Tunnel ID : \(info.tunnelID)") }
        if info.vlan != 0 { parts.append("Vlan ID : \(info.vlan)") }
        return parts.joined(separator: ", ")
    }

    static func attachment(_ value: Int) -> String {
        switch value {
        case 1: "Port"
        case 2: "LB Rule"
        default: "\(value)"
        }
    }
}
