import SwiftLBCore

/// GTP-U sessions' counters as Prometheus text: `swiftlb_gtpu_session_packets_total` and
/// `swiftlb_gtpu_session_bytes_total` (inner IP bytes), labelled with the user and direction.
enum SessionMetricsRenderer {
    static func render(_ sessions: [(session: GTPSession, counter: GTPSessionCounter)]) -> String {
        var packets = [
            "# HELP swiftlb_gtpu_session_packets_total Packets of a GTP-U session (uplink decapsulated, downlink encapsulated).",
            "# TYPE swiftlb_gtpu_session_packets_total counter",
        ]
        var bytes = [
            "# HELP swiftlb_gtpu_session_bytes_total Inner IP bytes of a GTP-U session's packets.",
            "# TYPE swiftlb_gtpu_session_bytes_total counter",
        ]
        for (session, counter) in sessions {
            let ident = session.ident.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            let labels = "ident=\"\(ident)\",ue=\"\(session.ueAddress)\""
            packets.append(
                "swiftlb_gtpu_session_packets_total{\(labels),direction=\"uplink\"} \(counter.uplinkPackets)")
            packets.append(
                "swiftlb_gtpu_session_packets_total{\(labels),direction=\"downlink\"} \(counter.downlinkPackets)")
            bytes.append("swiftlb_gtpu_session_bytes_total{\(labels),direction=\"uplink\"} \(counter.uplinkBytes)")
            bytes.append("swiftlb_gtpu_session_bytes_total{\(labels),direction=\"downlink\"} \(counter.downlinkBytes)")
        }
        return (packets + bytes).joined(separator: "\n") + "\n"
    }
}
