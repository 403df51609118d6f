import SwiftLBCore

/// Each mirror's copies as Prometheus text: `swiftlb_mirror_packets_total`,
/// `swiftlb_mirror_bytes_total`, `swiftlb_mirror_failures_total` and `swiftlb_mirror_synced`,
/// labelled with the mirror's name, type and target.
enum MirrorMetricsRenderer {
    static func render(_ entries: [MirrorEntry]) -> String {
        var packets = [
            "# HELP swiftlb_mirror_packets_total Copies a mirror sent.",
            "# TYPE swiftlb_mirror_packets_total counter",
        ]
        var bytes = [
            "# HELP swiftlb_mirror_bytes_total Bytes of the copies a mirror sent.",
            "# TYPE swiftlb_mirror_bytes_total counter",
        ]
        var failures = [
            "# HELP swiftlb_mirror_failures_total Copies the kernel refused (target down or gone).",
            "# TYPE swiftlb_mirror_failures_total counter",
        ]
        var synced = [
            "# HELP swiftlb_mirror_synced 1 when the mirror is installed, 0 while it waits for its port, rule or tunnel.",
            "# TYPE swiftlb_mirror_synced gauge",
        ]
        for entry in entries {
            let type = ["span", "rspan", "erspan"][min(max(entry.mirrorInfo.type, 0), 2)]
            let attachment = entry.targetObject.attachment == 1 ? "port" : "rule"
            let labels =
                "{mirror=\"\(escaped(entry.mirrorIdent))\",type=\"\(type)\",attachment=\"\(attachment)\","
                + "target=\"\(escaped(entry.targetObject.mirrObjName))\"}"
            let parts = (entry.counter ?? "").split(separator: ":")
            packets.append("swiftlb_mirror_packets_total\(labels) \(parts.first ?? "0")")
            bytes.append("swiftlb_mirror_bytes_total\(labels) \(parts.count > 1 ? parts[1] : "0")")
            failures.append("swiftlb_mirror_failures_total\(labels) \(entry.failures ?? 0)")
            synced.append("swiftlb_mirror_synced\(labels) \(entry.sync == 0 ? 1 : 0)")
        }
        return (packets + bytes + failures + synced).joined(separator: "\n") + "\n"
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
