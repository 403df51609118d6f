import Hummingbird
import SwiftLBCore

/// Serves `GET /metrics` (and `/netlox/v1/metrics`): the counters as Prometheus text.
struct MetricsHandler: Sendable {
    let store: RuleStore
    /// The BGP subsystem, when the daemon runs with `--bgp`: its state is appended.
    var bgp: (any BGPControl)? = nil
    /// The HA subsystem, when the daemon has one: roles and the sync link's counters are appended.
    var ha: (any HAControl)? = nil
    /// The firewall, when the daemon has one: its rules' counters are appended.
    var firewall: FirewallStore? = nil
    /// GTP-U sessions, when the daemon has them: their counters are appended.
    var sessions: GTPSessionStore? = nil
    /// The QoS policies, when the daemon has them: their per-colour counters are appended.
    var policies: PolicyStore? = nil
    /// Mirroring, when the daemon has it: each mirror's copies are appended.
    var mirrors: MirrorStore? = nil
    /// More exposition text appended as it is (the L7 proxy's metrics).
    var extra: (@Sendable () -> String)? = nil

    /// 200 with the exposition text, or 503 (a JSON error model) when any counter cannot be read,
    /// so a scrape is either complete or fails visibly.
    var handle: Handler {
        { [store, bgp, ha, firewall, sessions, policies, mirrors, extra] _, _ in
            let packets = try await store.packetCounters()
            let rules = try await store.ruleMetrics()
            var text =
                PrometheusRenderer(packets: packets, rules: rules).render()
                + HealthMetricsRenderer(
                    activities: await store.endpointActivities(), targets: await store.healthMetrics()
                ).render()
            if let firewall {
                text += FirewallMetricsRenderer.render(await firewall.entries())
            }
            if let sessions {
                text += SessionMetricsRenderer.render(await sessions.counters())
            }
            if let policies {
                text += PolicyMetricsRenderer.render(await policies.entries())
            }
            if let mirrors {
                text += MirrorMetricsRenderer.render(await mirrors.entries())
            }
            if let bgp {
                text += BGPPrometheusRenderer(metrics: await bgp.metrics()).render()
            }
            if let ha {
                text += HAPrometheusRenderer(metrics: await ha.metrics()).render()
            }
            if let extra { text += extra() }
            return Response(
                status: .ok, headers: [.contentType: PrometheusRenderer.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
