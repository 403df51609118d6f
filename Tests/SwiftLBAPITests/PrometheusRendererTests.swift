import SwiftLBCore
import Testing

@testable import SwiftLBAPI

@Suite("PrometheusRenderer")
struct PrometheusRendererTests {
    static func key(_ text: String) throws -> ServiceKey { try #require(ServiceKey(text: text)) }

    static func endpoint(_ ip: String, _ port: UInt16, _ packets: UInt64, _ bytes: UInt64, open: UInt64 = 0) throws
        -> RuleStore.EndpointMetrics
    {
        RuleStore.EndpointMetrics(
            address: try #require(IPAddress(ip)), port: port,
            counters: Counters(packets: packets, bytes: bytes, openFlows: open))
    }

    @Test("renders every family in a fixed order, samples sorted, label values escaped")
    func golden() throws {
        // Given out of order on purpose: the text must not depend on it.
        let rules = [
            RuleStore.RuleMetrics(
                key: try Self.key("10.0.0.2:53/udp"), name: "say \"hi\" \\o/\nbye",
                counters: Counters(packets: 3, bytes: 180), endpoints: [try Self.endpoint("10.0.2.1", 53, 3, 180)]),
            RuleStore.RuleMetrics(
                key: try Self.key("10.0.0.1:80/tcp"), name: "web", counters: Counters(packets: 7, bytes: 700),
                endpoints: [
                    try Self.endpoint("10.0.1.2", 8080, 5, 500, open: 3),
                    try Self.endpoint("10.0.1.1", 8080, 2, 200, open: 1),
                ]),
        ]
        let text = PrometheusRenderer(packets: ["rx": 10, "ct_hit": 7, "drop_no_endpoint": 0], rules: rules).render()
        #expect(
            text == #"""
                # HELP swiftlb_packets_total Packets seen by the datapath, by what happened to them (see docs/metrics.md).
                # TYPE swiftlb_packets_total counter
                swiftlb_packets_total{reason="ct_hit"} 7
                swiftlb_packets_total{reason="drop_no_endpoint"} 0
                swiftlb_packets_total{reason="rx"} 10
                # HELP swiftlb_services Load-balancer rules configured.
                # TYPE swiftlb_services gauge
                swiftlb_services 2
                # HELP swiftlb_service_packets_total Packets of each load-balancer rule, both directions.
                # TYPE swiftlb_service_packets_total counter
                swiftlb_service_packets_total{service="10.0.0.1:80/tcp",name="web"} 7
                swiftlb_service_packets_total{service="10.0.0.2:53/udp",name="say \"hi\" \\o/\nbye"} 3
                # HELP swiftlb_service_bytes_total Bytes of each load-balancer rule, both directions.
                # TYPE swiftlb_service_bytes_total counter
                swiftlb_service_bytes_total{service="10.0.0.1:80/tcp",name="web"} 700
                swiftlb_service_bytes_total{service="10.0.0.2:53/udp",name="say \"hi\" \\o/\nbye"} 180
                # HELP swiftlb_endpoint_packets_total Packets of each endpoint of a load-balancer rule, both directions.
                # TYPE swiftlb_endpoint_packets_total counter
                swiftlb_endpoint_packets_total{service="10.0.0.1:80/tcp",endpoint="10.0.1.1:8080"} 2
                swiftlb_endpoint_packets_total{service="10.0.0.1:80/tcp",endpoint="10.0.1.2:8080"} 5
                swiftlb_endpoint_packets_total{service="10.0.0.2:53/udp",endpoint="10.0.2.1:53"} 3
                # HELP swiftlb_endpoint_bytes_total Bytes of each endpoint of a load-balancer rule, both directions.
                # TYPE swiftlb_endpoint_bytes_total counter
                swiftlb_endpoint_bytes_total{service="10.0.0.1:80/tcp",endpoint="10.0.1.1:8080"} 200
                swiftlb_endpoint_bytes_total{service="10.0.0.1:80/tcp",endpoint="10.0.1.2:8080"} 500
                swiftlb_endpoint_bytes_total{service="10.0.0.2:53/udp",endpoint="10.0.2.1:53"} 180
                # HELP swiftlb_endpoint_open_flows Flows open to each endpoint of a load-balancer rule now, as least-connections (lc) counts them.
                # TYPE swiftlb_endpoint_open_flows gauge
                swiftlb_endpoint_open_flows{service="10.0.0.1:80/tcp",endpoint="10.0.1.1:8080"} 1
                swiftlb_endpoint_open_flows{service="10.0.0.1:80/tcp",endpoint="10.0.1.2:8080"} 3
                swiftlb_endpoint_open_flows{service="10.0.0.2:53/udp",endpoint="10.0.2.1:53"} 0

                """#)
    }

    @Test("with no rules and no counters every family still has its HELP and TYPE, and services is 0")
    func empty() {
        let text = PrometheusRenderer(packets: [:], rules: []).render()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")
        #expect(lines.filter { $0.hasPrefix("# TYPE ") }.count == 7)
        #expect(lines.filter { $0.hasPrefix("# HELP ") }.count == 7)
        #expect(lines.filter { !$0.hasPrefix("#") && !$0.isEmpty } == ["swiftlb_services 0"])
    }

    @Test(
        "label values escape backslash, double quote and newline, CR LF included; HELP keeps quotes",
        arguments: [
            (#"plain"#, #"plain"#),
            (#"a"b"#, #"a\"b"#),
            (#"a\b"#, #"a\\b"#),
            ("a\nb", #"a\nb"#),
            ("a\r\nb", "a\r" + #"\n"# + "b"),
            (#"\""#, #"\\\""#),
            ("naïve ✓", "naïve ✓"),
        ])
    func labelEscaping(_ raw: String, _ escaped: String) {
        #expect(PrometheusRenderer.escapeLabelValue(raw) == escaped)
    }

    @Test("HELP text escapes backslash and newline only")
    func helpEscaping() {
        #expect(PrometheusRenderer.escapeHelp("a \"q\" \\ b\nc") == #"a "q" \\ b\nc"#)
    }
}

@Suite("HA Prometheus renderer")
struct HAPrometheusRendererTests {
    @Test("sync counters render as counters and gauges, each family with HELP and TYPE")
    func syncCounters() {
        var sync = HASyncCounters()
        sync.peersConnected = 1
        sync.flowsSent = 120
        sync.eventFlows = 80
        sync.lastScanNanoseconds = 5_200_000
        let text = HAPrometheusRenderer(
            metrics: HAMetrics(
                instances: [HAInstanceState(instance: "llb-inst0", state: "MASTER", vip: "0.0.0.0")], sync: sync)
        ).render()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains(#"swiftlb_ha_instance_state{instance="llb-inst0",state="MASTER"} 1"#))
        #expect(lines.contains("swiftlb_ha_sync_peers_connected 1"))
        #expect(lines.contains("swiftlb_ha_sync_flows_sent_total 120"))
        #expect(lines.contains("swiftlb_ha_sync_event_flows_sent_total 80"))
        #expect(lines.contains("# TYPE swiftlb_ha_sync_event_flows_sent_total counter"))
        #expect(lines.contains("swiftlb_ha_sync_last_scan_seconds 0.0052"))
        let samples = lines.filter { !$0.hasPrefix("#") }
        #expect(lines.filter { $0.hasPrefix("# TYPE ") }.count == samples.count - 2)
    }
}
