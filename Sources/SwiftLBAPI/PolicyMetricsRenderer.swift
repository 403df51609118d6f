import Foundation
import SwiftLBCore

/// The policers' counters as Prometheus text: `swiftlb_policy_packets_total` and
/// `swiftlb_policy_bytes_total`, labelled with the policy's name and the colour.
enum PolicyMetricsRenderer {
    static func render(_ entries: [PolicyEntry]) -> String {
        var packets = [
            "# HELP swiftlb_policy_packets_total Packets a QoS policer coloured (red ones were dropped).",
            "# TYPE swiftlb_policy_packets_total counter",
        ]
        var bytes = [
            "# HELP swiftlb_policy_bytes_total Bytes of the packets a QoS policer coloured.",
            "# TYPE swiftlb_policy_bytes_total counter",
        ]
        for entry in entries {
            let stats = entry.policyStats ?? PolicyStats()
            let name = entry.policyIdent.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            for (color, count, size) in [
                ("green", stats.greenPackets, stats.greenBytes), ("yellow", stats.yellowPackets, stats.yellowBytes),
                ("red", stats.redPackets, stats.redBytes),
            ] {
                packets.append("swiftlb_policy_packets_total{policy=\"\(name)\",color=\"\(color)\"} \(count)")
                bytes.append("swiftlb_policy_bytes_total{policy=\"\(name)\",color=\"\(color)\"} \(size)")
            }
        }
        return (packets + bytes).joined(separator: "\n") + "\n"
    }
}
