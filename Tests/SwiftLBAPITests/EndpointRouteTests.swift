import Hummingbird
import HummingbirdTesting
import SwiftLBCore
import Testing

@testable import SwiftLBAPI

@Suite("endpoint monitoring routes")
struct EndpointRouteTests {
    static let monitored =
        #"{"serviceArguments":{"externalIP":"20.20.20.1","port":2020,"protocol":"tcp","monitor":true,"#
        + #""probetype":"http","probeport":8080,"probereq":"/health","probeTimeout":1,"probeRetries":2},"#
        + #""endpoints":[{"endpointIP":"31.31.31.1","targetPort":8080,"weight":1},"#
        + #"{"endpointIP":"32.32.32.1","targetPort":8080,"weight":1}]}"#

    @Test("a monitored rule is accepted and its endpoints are listed under Attr with loxilb's fields")
    func monitoredRule() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            #expect(try await client.post("/netlox/v1/config/loadbalancer", Self.monitored).status == .ok)
            let listed = try await client.listed()
            #expect(listed.first?.serviceArguments.monitor == true)
            #expect(listed.first?.serviceArguments.probetype == "http")
            let response = try await client.get("/netlox/v1/config/endpoint/all")
            #expect(response.status == .ok)
            let attr = try response.decode(EndPointList.self).Attr
            #expect(attr.map(\.name) == ["31.31.31.1_http_8080", "32.32.32.1_http_8080"])
            #expect(attr.allSatisfy { $0.currState == "ok" && $0.probeDuration == 1 && $0.inactiveReTries == 2 })
            let text = String(buffer: response.body)
            for key in ["\"Attr\"", "\"hostName\"", "\"minDelay\"", "\"avgDelay\"", "\"maxDelay\"", "\"currState\""] {
                #expect(text.contains(key), "missing \(key)")
            }
        }
    }

    @Test("a probe report shows as inactive in the rule list, nok in endpoints and 0 in metrics")
    func probeDown() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            #expect(try await client.post("/netlox/v1/config/loadbalancer", Self.monitored).status == .ok)
            await harness.store.reportProbe(
                key: "32.32.32.1_http_8080", status: ProbeStatus(up: false, lastError: "refused"))
            #expect(try await client.listed().first?.endpoints.map(\.state) == ["active", "inactive"])
            let attr = try await client.get("/netlox/v1/config/endpoint/all").decode(EndPointList.self).Attr
            #expect(attr.map(\.currState) == ["ok", "nok"])
            let metrics = String(buffer: try await client.get("/metrics").body)
            #expect(
                metrics.contains(
                    #"swiftlb_endpoint_active{service="20.20.20.1:2020/tcp",endpoint="32.32.32.1:8080"} 0"#))
            #expect(
                metrics.contains(
                    #"swiftlb_endpoint_active{service="20.20.20.1:2020/tcp",endpoint="31.31.31.1:8080"} 1"#))
            #expect(
                metrics.contains(
                    #"swiftlb_probe_up{endpoint="32.32.32.1_http_8080",host="32.32.32.1",probe="http",port="8080"} 0"#))
            #expect(metrics.contains("# TYPE swiftlb_probe_delay_seconds gauge"))
        }
    }

    @Test("POST, GET and DELETE of endpoint entries with loxilb's query parameters")
    func entries() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            let body =
                #"{"hostName":"10.0.0.5","probeType":"tcp","probePort":22,"probeDuration":5,"inactiveReTries":3}"#
            let created = try await client.post("/netlox/v1/config/endpoint", body)
            #expect(created.status == .ok)
            #expect(String(buffer: created.body).contains("Success"))
            #expect(try await client.post("/netlox/v1/config/endpoint", #"{"hostName":"10.0.0.5"}"#).status == .ok)
            var attr = try await client.get("/netlox/v1/config/endpoint/all").decode(EndPointList.self).Attr
            #expect(attr.map(\.name) == ["10.0.0.5_ping_0", "10.0.0.5_tcp_22"])
            let narrowed =
                "/netlox/v1/config/endpoint/epipaddress/10.0.0.5?name=10.0.0.5_tcp_22&probe_type=tcp&probe_port=22"
            #expect(try await client.delete(narrowed).status == .noContent)
            attr = try await client.get("/netlox/v1/config/endpoint/all").decode(EndPointList.self).Attr
            #expect(attr.map(\.name) == ["10.0.0.5_ping_0"])
            #expect(try await client.delete("/netlox/v1/config/endpoint/epipaddress/10.0.0.6").status == .notFound)
            #expect(try await client.delete("/netlox/v1/config/endpoint/epipaddress/10.0.0.5").status == .noContent)
            #expect(try await client.get("/netlox/v1/config/endpoint/all").decode(EndPointList.self).Attr.isEmpty)
        }
    }

    @Test("bad endpoint entries are 400 naming the field and change nothing")
    func badEntries() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            let cases = [
                (#"{"probeType":"ping"}"#, "hostName"),
                (#"{"hostName":"10.0.0.5","probeType":"gopher"}"#, "probeType"),
                (#"{"hostName":"10.0.0.5","probeType":"udp"}"#, "probePort"),
                (#"{"hostName":"10.0.0.5","probeDuration":"often"}"#, "probeDuration"),
            ]
            for (body, field) in cases {
                let response = try await client.post("/netlox/v1/config/endpoint", body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.decode(ErrorModel.self).fields == [field], "\(body)")
            }
            #expect(try await client.get("/netlox/v1/config/endpoint/all").decode(EndPointList.self).Attr.isEmpty)
            #expect(try await client.delete("/netlox/v1/config/endpoint/epipaddress/nohost").status == .badRequest)
        }
    }

    @Test("endpointhoststate red takes a host out, green puts it back; bad states are 400")
    func hostState() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            #expect(try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body()).status == .ok)
            let red = #"{"hostName":"31.31.31.1","state":"red"}"#
            #expect(try await client.post("/netlox/v1/config/endpointhoststate", red).status == .ok)
            #expect(try await harness.datapath.programmedServices().first?.endpoints.map(\.active) == [false, true])
            #expect(try await client.listed().first?.endpoints.map(\.state) == ["inactive", "active"])
            let green = #"{"hostName":"31.31.31.1","state":"green"}"#
            #expect(try await client.post("/netlox/v1/config/endpointhoststate", green).status == .ok)
            #expect(try await harness.datapath.programmedServices().first?.endpoints.map(\.active) == [true, true])
            let bad = try await client.post(
                "/netlox/v1/config/endpointhoststate", #"{"hostName":"31.31.31.1","state":"purple"}"#)
            #expect(bad.status == .badRequest)
            #expect(try bad.decode(ErrorModel.self).fields == ["state"])
        }
    }

    @Test("wrong methods on the endpoint paths are 405")
    func methods() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            let create = try await client.get("/netlox/v1/config/endpoint")
            let hostState = try await client.get("/netlox/v1/config/endpointhoststate")
            #expect(create.status == .methodNotAllowed)
            #expect(hostState.status == .methodNotAllowed)
        }
    }

    @Test("health metrics render every family, delays in seconds without exponent")
    func renderer() throws {
        let host = try #require(IPAddress("10.0.0.2"))
        let text = HealthMetricsRenderer(
            activities: [
                RuleStore.EndpointActivity(
                    service: ServiceKey(vip: try #require(IPAddress("20.0.0.1")), port: 80, proto: .tcp),
                    endpoint: "10.0.0.2:8080", active: true)
            ],
            targets: [
                RuleStore.EndpointHealthMetrics(
                    key: "10.0.0.2_tcp_8080", host: host, type: .tcp, port: 8080,
                    status: ProbeStatus(
                        up: true, minDelay: .microseconds(250), avgDelay: .microseconds(1500), maxDelay: .seconds(2))),
                RuleStore.EndpointHealthMetrics(
                    key: "x", host: host, type: .ping, port: 0, status: ProbeStatus(up: false)),
            ]
        ).render()
        let expected = [
            #"swiftlb_endpoint_active{service="20.0.0.1:80/tcp",endpoint="10.0.0.2:8080"} 1"#,
            #"swiftlb_probe_up{endpoint="10.0.0.2_tcp_8080",host="10.0.0.2",probe="tcp",port="8080"} 1"#,
            #"swiftlb_probe_up{endpoint="x",host="10.0.0.2",probe="ping",port="0"} 0"#,
            #"swiftlb_probe_delay_seconds{endpoint="10.0.0.2_tcp_8080",host="10.0.0.2",probe="tcp",port="8080",stat="min"} 0.00025"#,
            #"swiftlb_probe_delay_seconds{endpoint="10.0.0.2_tcp_8080",host="10.0.0.2",probe="tcp",port="8080",stat="avg"} 0.0015"#,
            #"swiftlb_probe_delay_seconds{endpoint="10.0.0.2_tcp_8080",host="10.0.0.2",probe="tcp",port="8080",stat="max"} 2"#,
        ]
        let lines = text.split(separator: "\n").map(String.init)
        for line in expected { #expect(lines.contains(line), "missing \(line)") }
        #expect(
            !text.contains(#"endpoint="x",host="10.0.0.2",probe="ping",port="0",stat"#), "no delays before a success")
        #expect(lines.filter { $0.hasPrefix("# TYPE") }.count == 3)
    }
}
