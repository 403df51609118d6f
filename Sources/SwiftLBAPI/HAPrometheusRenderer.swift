import SwiftLBCore

/// Renders HA in the Prometheus text format, appended to `/metrics` when the daemon runs HA.
///
/// `swiftlb_ha_instance_state` has one sample per instance and role, 1 for the role it holds
/// (`{state="MASTER"} == 0` for every instance alerts on a pair with no MASTER); the
/// `swiftlb_ha_sync_*` families are the conntrack sync link's, present once the link runs.
public struct HAPrometheusRenderer: Sendable {
    static let roles = ["MASTER", "BACKUP", "NOT_DEFINED"]

    public var metrics: HAMetrics

    public init(metrics: HAMetrics) {
        self.metrics = metrics
    }

    /// The exposition text (ends with a newline).
    public func render() -> String {
        var text = PrometheusText()
        text.family(
            "swiftlb_ha_instance_state", "gauge", "1 for the role each HA instance holds, 0 for the other roles.",
            metrics.instances.flatMap { instance in
                let name = PrometheusRenderer.escapeLabelValue(instance.instance)
                return Self.roles.map { role in
                    "swiftlb_ha_instance_state{instance=\"\(name)\",state=\"\(role)\"} \(instance.state == role ? 1 : 0)"
                }
            })
        guard let sync = metrics.sync else { return text.text }
        text.family(
            "swiftlb_ha_sync_peers_connected", "gauge", "Peers with a conntrack sync connection up.",
            ["swiftlb_ha_sync_peers_connected \(sync.peersConnected)"])
        let counters: [(String, String, Int)] = [
            ("flows_sent", "Flows sent to peers (passes, snapshots and datapath events).", sync.flowsSent),
            ("event_flows_sent", "New flows sent as the datapath reported them, ahead of a pass.", sync.eventFlows),
            ("deletes_sent", "Flow deletions sent to peers.", sync.deletesSent),
            ("snapshots_sent", "Full snapshots sent to peers.", sync.snapshotsSent),
            (
                "queues_dropped", "Peer queues dropped for a new snapshot (the peer could not keep up).",
                sync.queuesDropped
            ),
            ("flows_received", "Flows received from peers.", sync.flowsReceived),
            ("flows_applied", "Received flows written into the conntrack table.", sync.flowsApplied),
            ("deletes_applied", "Received flow deletions applied.", sync.deletesApplied),
            ("snapshots_received", "Full snapshots received from peers.", sync.snapshotsReceived),
            ("unknown_service_flows", "Received flows of services this instance does not have.", sync.unknownServices),
            ("scans", "Passes over the conntrack table.", sync.scans),
            (
                "authentication_failures", "Sync connections closed: the peer did not prove it holds the sync key.",
                sync.authenticationFailures
            ),
        ]
        for (name, help, value) in counters {
            text.family("swiftlb_ha_sync_\(name)_total", "counter", help, ["swiftlb_ha_sync_\(name)_total \(value)"])
        }
        text.family(
            "swiftlb_ha_sync_last_scan_seconds", "gauge", "How long the last pass over the conntrack table took.",
            ["swiftlb_ha_sync_last_scan_seconds \(Double(sync.lastScanNanoseconds) / 1e9)"])
        return text.text
    }
}
