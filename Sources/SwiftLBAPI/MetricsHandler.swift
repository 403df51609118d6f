import Hummingbird
import SwiftLBCore

/// Serves `GET /metrics` (and `/netlox/v1/metrics`): the counters as Prometheus text.
struct MetricsHandler: Sendable {
    let store: RuleStore

    /// 200 with the exposition text, or 503 (a JSON error model) when any counter cannot be read,
    /// so a scrape is either complete or fails visibly.
    var handle: Handler {
        { [store] _, _ in
            let packets = try await store.packetCounters()
            let rules = try await store.ruleMetrics()
            let text =
                PrometheusRenderer(packets: packets, rules: rules).render()
                + HealthMetricsRenderer(
                    activities: await store.endpointActivities(), targets: await store.healthMetrics()
                ).render()
            return Response(
                status: .ok, headers: [.contentType: PrometheusRenderer.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
