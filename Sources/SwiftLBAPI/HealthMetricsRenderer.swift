import SwiftLBCore

/// Renders endpoint health in the Prometheus text format, after `PrometheusRenderer`'s families:
/// `swiftlb_endpoint_active` (1 when an endpoint of a rule takes new flows), `swiftlb_probe_up`
/// (1 when a probe target is up) and `swiftlb_probe_delay_seconds` (min, avg and max of its recent
/// successful probes; absent before the first). Pure and deterministic.
public struct HealthMetricsRenderer: Sendable {
    /// Every endpoint of every rule with its active flag.
    public var activities: [RuleStore.EndpointActivity]
    /// Every probe target with its status.
    public var targets: [RuleStore.EndpointHealthMetrics]

    /// Creates a renderer over a snapshot.
    public init(activities: [RuleStore.EndpointActivity], targets: [RuleStore.EndpointHealthMetrics]) {
        self.activities = activities
        self.targets = targets
    }

    /// The exposition text of the three families.
    public func render() -> String {
        var lines: [String] = []
        family(
            &lines, "swiftlb_endpoint_active",
            "Whether an endpoint of a rule takes new flows (0 when health took it out).")
        for activity in activities {
            let labels = Self.labels([("service", activity.service.description), ("endpoint", activity.endpoint)])
            lines.append("swiftlb_endpoint_active\(labels) \(activity.active ? 1 : 0)")
        }
        family(&lines, "swiftlb_probe_up", "Whether a health probe target is up (1) or down (0).")
        for target in targets {
            lines.append("swiftlb_probe_up\(targetLabels(target, [])) \(target.status.up ? 1 : 0)")
        }
        family(&lines, "swiftlb_probe_delay_seconds", "Recent successful health probe delays: min, avg and max.")
        for target in targets {
            let stats: [(String, Duration?)] = [
                ("min", target.status.minDelay), ("avg", target.status.avgDelay), ("max", target.status.maxDelay),
            ]
            for (stat, delay) in stats {
                guard let delay else { continue }
                lines.append(
                    "swiftlb_probe_delay_seconds\(targetLabels(target, [("stat", stat)])) \(Self.seconds(delay))")
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    private func family(_ lines: inout [String], _ name: String, _ help: String) {
        lines.append("# HELP \(name) \(PrometheusRenderer.escapeHelp(help))")
        lines.append("# TYPE \(name) gauge")
    }

    private func targetLabels(_ target: RuleStore.EndpointHealthMetrics, _ extra: [(String, String)]) -> String {
        Self.labels(
            [
                ("endpoint", target.key), ("host", target.host.description), ("probe", target.type.rawValue),
                ("port", String(target.port)),
            ] + extra)
    }

    private static func labels(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\($0.0)=\"\(PrometheusRenderer.escapeLabelValue($0.1))\"" }.joined(separator: ",") + "}"
    }

    // Seconds with nanosecond precision and no exponent, as Prometheus parses any float.
    static func seconds(_ delay: Duration) -> String {
        let (whole, atto) = delay.components
        let nanos = atto / 1_000_000_000
        var fraction = String(nanos)
        fraction = String(repeating: "0", count: max(0, 9 - fraction.count)) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
    }
}
