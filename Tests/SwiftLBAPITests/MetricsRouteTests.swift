import Hummingbird
import HummingbirdTesting
import SwiftLBCore
import Testing

@testable import SwiftLBAPI

@Suite("GET /metrics")
struct MetricsRouteTests {
    @Test("serves the datapath's counters as Prometheus text, at /metrics and /netlox/v1/metrics")
    func metrics() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            let body = APITestHarness.body(name: "web", endpoints: ["31.31.31.1", "32.32.32.1"])
            #expect(try await client.post("/netlox/v1/config/loadbalancer", body).status == .ok)
            let id = try #require(try await harness.datapath.programmedServices().first).id
            await harness.datapath.setPacketCounters(["rx": 12, "drop_no_endpoint": 1])
            await harness.datapath.setServiceCounters(Counters(packets: 10, bytes: 1500), id: id)
            await harness.datapath.setEndpointCounters(
                [Counters(packets: 6, bytes: 900), Counters(packets: 4, bytes: 600)], id: id)

            let response = try await client.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let lines = Set(response.text.split(separator: "\n").map(String.init))
            let expected = [
                #"swiftlb_packets_total{reason="rx"} 12"#,
                #"swiftlb_packets_total{reason="drop_no_endpoint"} 1"#,
                "swiftlb_services 1",
                #"swiftlb_service_packets_total{service="20.20.20.1:2020/tcp",name="web"} 10"#,
                #"swiftlb_service_bytes_total{service="20.20.20.1:2020/tcp",name="web"} 1500"#,
                #"swiftlb_endpoint_packets_total{service="20.20.20.1:2020/tcp",endpoint="31.31.31.1:8080"} 6"#,
                #"swiftlb_endpoint_bytes_total{service="20.20.20.1:2020/tcp",endpoint="32.32.32.1:8080"} 600"#,
            ]
            for line in expected { #expect(lines.contains(line), "missing: \(line)") }

            let netlox = try await client.get("/netlox/v1/metrics")
            #expect(netlox.status == .ok)
            #expect(netlox.text == response.text)
        }
    }

    @Test(
        "is 503 with a JSON error model when the datapath cannot be read",
        arguments: ["/metrics", "/netlox/v1/metrics"])
    func unavailable(_ path: String) async throws {
        let harness = APITestHarness()
        await harness.datapath.failNext(.read)
        try await harness.run { client in
            let response = try await client.get(path)
            #expect(response.status == .serviceUnavailable)
            #expect(response.isJSON)
            let model = try response.errorModel()
            #expect(model.code == 503)
            #expect(model.message.contains("packet counters"))
        }
    }

    @Test("other methods are 405 with Allow: GET", arguments: ["/metrics", "/netlox/v1/metrics"])
    func wrongMethod(_ path: String) async throws {
        try await APITestHarness().run { client in
            let response = try await client.execute(uri: path, method: .post)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET")
            #expect(try response.errorModel().code == 405)
        }
    }
}
