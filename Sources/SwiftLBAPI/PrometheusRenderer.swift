import SwiftLBCore

/// Renders SwiftLB's counters in the Prometheus text exposition format, version 0.0.4.
///
/// Pure and deterministic: the same counters always give the same text, families in a fixed order,
/// reasons sorted by name, rules by key and endpoints by address and port. Every family has its
/// `# HELP` and `# TYPE` lines even when it has no samples; label values are escaped as the format
/// requires (`\` as `\\`, `"` as `\"`, newline as `\n`); the text ends with a newline.
public struct PrometheusRenderer: Sendable {
    /// The `Content-Type` of the rendered text.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The datapath's packet counters by reason name.
    public var packets: [String: UInt64]
    /// Every rule with its service and endpoint counters.
    public var rules: [RuleStore.RuleMetrics]

    /// Creates a renderer over a snapshot of the counters.
    public init(packets: [String: UInt64], rules: [RuleStore.RuleMetrics]) {
        self.packets = packets
        self.rules = rules
    }

    /// The exposition text.
    public func render() -> String {
        let rules = rules.sorted { $0.key < $1.key }
        return ([packetFamily, serviceCountFamily(rules)] + serviceFamilies(rules) + endpointFamilies(rules))
            .map(\.text).joined()
    }

    private var packetFamily: Family {
        Family(
            name: "swiftlb_packets_total", type: "counter",
            help: "Packets seen by the datapath, by what happened to them (see docs/metrics.md).",
            samples: packets.sorted { $0.key < $1.key }.map { Sample(labels: [("reason", $0.key)], value: $0.value) })
    }

    private func serviceCountFamily(_ rules: [RuleStore.RuleMetrics]) -> Family {
        Family(
            name: "swiftlb_services", type: "gauge", help: "Load-balancer rules configured.",
            samples: [Sample(labels: [], value: UInt64(rules.count))])
    }

    private func serviceFamilies(_ rules: [RuleStore.RuleMetrics]) -> [Family] {
        Self.units.map { unit in
            Family(
                name: "swiftlb_service_\(unit.name)_total", type: "counter",
                help: "\(unit.help) of each load-balancer rule, both directions.",
                samples: rules.map { rule in
                    Sample(
                        labels: [("service", rule.key.description), ("name", rule.name)],
                        value: rule.counters[keyPath: unit.value])
                })
        }
    }

    private func endpointFamilies(_ rules: [RuleStore.RuleMetrics]) -> [Family] {
        let endpoints = rules.flatMap { rule in
            rule.endpoints.sorted { ($0.address, $0.port) < ($1.address, $1.port) }.map { (rule.key, $0) }
        }
        let totals = Self.units.map { unit in
            Family(
                name: "swiftlb_endpoint_\(unit.name)_total", type: "counter",
                help: "\(unit.help) of each endpoint of a load-balancer rule, both directions.",
                samples: endpoints.map { key, endpoint in
                    Sample(
                        labels: [("service", key.description), ("endpoint", endpoint.text)],
                        value: endpoint.counters[keyPath: unit.value])
                })
        }
        let open = Family(
            name: "swiftlb_endpoint_open_flows", type: "gauge",
            help: "Flows open to each endpoint of a load-balancer rule now, as least-connections (lc) counts them.",
            samples: endpoints.map { key, endpoint in
                Sample(
                    labels: [("service", key.description), ("endpoint", endpoint.text)],
                    value: endpoint.counters.openFlows)
            })
        return totals + [open]
    }

    private static let units: [(name: String, help: String, value: KeyPath<Counters, UInt64> & Sendable)] = [
        ("packets", "Packets", \.packets), ("bytes", "Bytes", \.bytes),
    ]

    /// `value` escaped for use inside a label value's double quotes: `\\`, `\"` and `\n`.
    static func escapeLabelValue(_ value: String) -> String {
        escape(value, quote: true)
    }

    /// `text` escaped for a `# HELP` line: `\\` and `\n` (quotes stay as they are).
    static func escapeHelp(_ text: String) -> String {
        escape(text, quote: false)
    }

    // By scalar, not Character: "\r\n" is one Character and would slip a raw newline through.
    private static func escape(_ text: String, quote: Bool) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result.append(contentsOf: #"\\"#.unicodeScalars)
            case "\"" where quote: result.append(contentsOf: #"\""#.unicodeScalars)
            case "\n": result.append(contentsOf: #"\n"#.unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
    }
}

/// One metric family: its `# HELP` and `# TYPE` lines and its samples.
private struct Family {
    var name: String
    var type: String
    var help: String
    var samples: [Sample]

    var text: String {
        var lines = ["# HELP \(name) \(PrometheusRenderer.escapeHelp(help))", "# TYPE \(name) \(type)"]
        lines += samples.map { name + $0.text }
        return lines.map { $0 + "\n" }.joined()
    }
}

/// One sample line after the metric name: `{label="value",...} 42`.
private struct Sample {
    var labels: [(String, String)]
    var value: UInt64

    var text: String {
        guard !labels.isEmpty else { return " \(value)" }
        let pairs = labels.map { "\($0.0)=\"\(PrometheusRenderer.escapeLabelValue($0.1))\"" }
        return "{\(pairs.joined(separator: ","))} \(value)"
    }
}
