import SwiftLBCore

/// The firewall rules' counters as Prometheus text: `swiftlb_firewall_packets_total` and
/// `swiftlb_firewall_bytes_total`, labelled with the rule's match and action.
enum FirewallMetricsRenderer {
    static func render(_ entries: [FirewallEntry]) -> String {
        var packets = [
            "# HELP swiftlb_firewall_packets_total Packets matched by a firewall rule.",
            "# TYPE swiftlb_firewall_packets_total counter",
        ]
        var bytes = [
            "# HELP swiftlb_firewall_bytes_total Bytes of the packets matched by a firewall rule.",
            "# TYPE swiftlb_firewall_bytes_total counter",
        ]
        for entry in entries {
            let rule = entry.ruleArguments
            let opts = entry.opts
            let action =
                opts.allow
                ? "allow" : opts.trap ? "trap" : opts.redirect ? "redirect" : opts.doSnat ? "snat" : "drop"
            let labels =
                "{source=\"\(rule.sourceIP)\",destination=\"\(rule.destinationIP)\","
                + "sport=\"\(rule.minSourcePort)-\(rule.maxSourcePort)\","
                + "dport=\"\(rule.minDestinationPort)-\(rule.maxDestinationPort)\",protocol=\"\(rule.protocol)\","
                + "port=\"\(rule.portName)\",preference=\"\(rule.preference)\",action=\"\(action)\"}"
            let parts = entry.opts.counter.split(separator: ":")
            packets.append("swiftlb_firewall_packets_total\(labels) \(parts.first ?? "0")")
            bytes.append("swiftlb_firewall_bytes_total\(labels) \(parts.count > 1 ? parts[1] : "0")")
        }
        return (packets + bytes).joined(separator: "\n") + "\n"
    }
}
