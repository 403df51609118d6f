import SwiftLBCore

/// `get ct` tables: one row per tracked connection.
public enum ConntrackTable {
    /// Column titles of the default layout.
    public static let headers = [
        "SERVICE NAME", "DESTIP", "SRCIP", "DPORT", "SPORT", "PROTO", "STATE", "ACT", "PACKETS", "BYTES",
    ]
    /// Column titles of `-o wide`: the default ones and loxilb's connection identifier.
    public static let wideHeaders = headers + ["IDENT"]

    /// The connections of `serviceName` when given, sorted for stable output.
    public static func visible(_ entries: [ConntrackEntry], serviceName: String?) -> [ConntrackEntry] {
        entries.filter { entry in serviceName.map { entry.servName == $0 } ?? true }.sorted { lhs, rhs in
            (lhs.servName, lhs.destinationIP, lhs.destinationPort, lhs.sourceIP, lhs.sourcePort, lhs.protocol)
                < (rhs.servName, rhs.destinationIP, rhs.destinationPort, rhs.sourceIP, rhs.sourcePort, rhs.protocol)
        }
    }

    /// The table for `entries` (already filtered).
    public static func render(_ entries: [ConntrackEntry], wide: Bool) -> String {
        let rows = entries.map { entry in
            let row = [
                entry.servName, entry.destinationIP, entry.sourceIP, String(entry.destinationPort),
                String(entry.sourcePort), entry.protocol, entry.conntrackState, entry.conntrackAct,
                String(entry.packets), String(entry.bytes),
            ]
            return wide ? row + [entry.ident] : row
        }
        return TextTable(headers: wide ? wideHeaders : headers, rows: rows).render()
    }
}
