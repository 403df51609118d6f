import Hummingbird
import SwiftLBCore

/// Serves `GET /metrics` (and `/netlox/v1/metrics`): the counters as Prometheus text.
struct MetricsHandler: Sendable {
    let store: RuleStore
    /// The daemon's features: each present one appends its counters (rules of the firewall, GTP-U
    /// sessions, policers per colour, mirror copies, BGP state, HA roles and sync, the proxy's text).
    let features: APIFeatures

    /// 200 with the exposition text, or 503 (a JSON error model) when any counter cannot be read,
    /// so a scrape is either complete or fails visibly.
    var handle: Handler {
        { [store, features] _, _ in
            let packets = try await store.packetCounters()
            let rules = try await store.ruleMetrics()
            var text =
                PrometheusRenderer(packets: packets, rules: rules).render()
                + HealthMetricsRenderer(
                    activities: await store.endpointActivities(), targets: await store.healthMetrics()
                ).render()
            if let firewall = features.firewall {
                text += FirewallMetricsRenderer.render(await firewall.entries())
            }
            if let sessions = features.sessions {
                text += SessionMetricsRenderer.render(await sessions.counters())
            }
            if let policies = features.policies {
                text += PolicyMetricsRenderer.render(await policies.entries())
            }
            if let mirrors = features.mirrors {
                text += MirrorMetricsRenderer.render(await mirrors.entries())
            }
            if let bgp = features.bgp {
                text += BGPPrometheusRenderer(metrics: await bgp.metrics()).render()
            }
            if let ha = features.ha {
                text += HAPrometheusRenderer(metrics: await ha.metrics()).render()
            }
            if let extra = features.extraMetrics { text += extra() }
            return Response(
                status: .ok, headers: [.contentType: PrometheusRenderer.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
