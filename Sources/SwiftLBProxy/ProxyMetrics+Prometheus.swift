import Foundation
import SwiftLBCore

extension ProxyMetrics {
    /// The Prometheus exposition text of every counter.
    public func render() -> String {
        let snapshot = rules.withLock { $0 }.sorted { $0.key < $1.key }
        var out = "# HELP swiftlb_proxy_connections Client connections the L7 proxy holds open.\n"
        out += "# TYPE swiftlb_proxy_connections gauge\nswiftlb_proxy_connections \(activeConnections)\n"
        out += "# HELP swiftlb_proxy_rejected_connections_total Client connections closed at accept (limit).\n"
        out += "# TYPE swiftlb_proxy_rejected_connections_total counter\n"
        out += "swiftlb_proxy_rejected_connections_total \(rejected.load(ordering: .relaxed))\n"
        out += "# HELP swiftlb_proxy_bad_requests_total Requests answered 400 (malformed, over limits, too slow).\n"
        out += "# TYPE swiftlb_proxy_bad_requests_total counter\n"
        out += "swiftlb_proxy_bad_requests_total \(badRequests.load(ordering: .relaxed))\n"
        out += "# TYPE swiftlb_proxy_requests_total counter\n"
        out += "# TYPE swiftlb_proxy_responses_total counter\n"
        out += "# TYPE swiftlb_proxy_request_duration_seconds histogram\n"
        out += "# TYPE swiftlb_proxy_streams_total counter\n"
        out += "# TYPE swiftlb_proxy_open_streams gauge\n"
        out += "# TYPE swiftlb_proxy_endpoint_failures_total counter\n"
        for (rule, counters) in snapshot {
            out += RuleRenderer(rule: rule, counters: counters).render()
        }
        return out
    }

    private struct RuleRenderer {
        let rule: ServiceKey
        let counters: RuleCounters

        var labels: String { "rule=\"\(rule.description.replacingOccurrences(of: "\"", with: "\\\""))\"" }

        func render() -> String {
            var out = "swiftlb_proxy_requests_total{\(labels)} \(counters.requests)\n"
            for (status, count) in counters.responses.sorted(by: { $0.key < $1.key }) {
                out += "swiftlb_proxy_responses_total{\(labels),code=\"\(status)\"} \(count)\n"
            }
            var cumulative: UInt64 = 0
            for (index, bound) in ProxyMetrics.latencyBuckets.enumerated() {
                cumulative += counters.latencyCounts[index]
                out += "swiftlb_proxy_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "swiftlb_proxy_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(counters.latencyCount)\n"
            out += "swiftlb_proxy_request_duration_seconds_sum{\(labels)} \(counters.latencySum)\n"
            out += "swiftlb_proxy_request_duration_seconds_count{\(labels)} \(counters.latencyCount)\n"
            out += "swiftlb_proxy_streams_total{\(labels)} \(counters.streams)\n"
            out += "swiftlb_proxy_open_streams{\(labels)} \(counters.openStreams)\n"
            out += "swiftlb_proxy_endpoint_failures_total{\(labels)} \(counters.upstreamFailures + counters.refused)\n"
            return out
        }
    }
}
