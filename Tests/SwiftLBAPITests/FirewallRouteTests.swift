import Hummingbird
import HummingbirdTesting
import SwiftLBCore
import Testing

@testable import SwiftLBAPI

/// loxilb's firewall paths over a `FirewallStore` with in-memory storage and datapath.
@Suite("firewall API paths")
struct FirewallRouteTests {
    static func withFirewall(
        _ test:
            @Sendable (any TestClientProtocol, InMemoryFirewallDatapath, InMemoryFirewallConfigStore) async throws
            -> Void
    ) async throws {
        let harness = APITestHarness()
        let persistence = InMemoryFirewallConfigStore()
        let datapath = InMemoryFirewallDatapath()
        let firewall = FirewallStore(persistence: persistence, datapath: datapath)
        let app = Application(
            router: makeRouter(
                store: harness.store, version: APITestHarness.version, features: APIFeatures(firewall: firewall)))
        try await app.test(.router) { client in try await test(client, datapath, persistence) }
    }

    static let rule =
        #"{"ruleArguments":{"sourceIP":"10.0.0.0/24","destinationIP":"20.20.20.1/32","protocol":6,"#
        + #""minDestinationPort":2020,"maxDestinationPort":2020,"preference":200},"opts":{"drop":true}}"#

    @Test("POST stores and installs, GET lists with counters and /metrics exports them, DELETE by query removes")
    func lifecycle() async throws {
        try await Self.withFirewall { client, datapath, persistence in
            #expect(try await client.post("/netlox/v1/config/firewall", Self.rule).status == .ok)
            #expect(try await client.post("/netlox/v1/config/firewall", Self.rule).status == .conflict)
            #expect(await datapath.entries.count == 1)
            #expect(try await persistence.loadFirewall().count == 1)
            await datapath.count(id: 1, packets: 5, bytes: 300)
            let list = try await client.get("/netlox/v1/config/firewall/all")
            let rules = try list.decode(FirewallList.self).fwAttr
            #expect(rules.count == 1 && rules[0].opts.counter == "5:300" && rules[0].opts.drop)
            #expect(list.text.hasPrefix(#"{"fwAttr":[{"#))
            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains(#"swiftlb_firewall_packets_total{source="10.0.0.0/24""#))
            #expect(metrics.contains(#"action="drop"} 5"#))
            let export = try await client.get("/netlox/v1/config/export")
            let exported = try export.decode(ExportedFirewall.self).firewall
            #expect(exported.map(\.ruleArguments) == rules.map(\.ruleArguments))
            #expect(exported.allSatisfy { $0.opts.counter.isEmpty && $0.opts.drop })
            let query =
                "sourceIP=10.0.0.0/24&destinationIP=20.20.20.1/32&protocol=6&minDestinationPort=2020"
                + "&maxDestinationPort=2020&preference=200"
            #expect(try await client.delete("/netlox/v1/config/firewall?" + query).status == .ok)
            #expect(try await client.delete("/netlox/v1/config/firewall?" + query).status == .notFound)
            #expect(await datapath.entries.isEmpty)
            #expect(try await client.get("/netlox/v1/config/firewall/all").decode(FirewallList.self).fwAttr.isEmpty)
        }
    }

    @Test("bad bodies and queries are 400s naming the field, and change nothing")
    func refusals() async throws {
        try await Self.withFirewall { client, datapath, persistence in
            let bad = [
                (#"{"ruleArguments":{"sourceIP":"10.0.0.0/33"},"opts":{"drop":true}}"#, "ruleArguments.sourceIP"),
                (#"{"ruleArguments":{"protocol":"tcp"},"opts":{"drop":true}}"#, "ruleArguments.protocol"),
                (#"{"ruleArguments":{},"opts":{"redirect":true,"redirectPortName":"eth1"}}"#, "opts.redirectPortName"),
                (#"{"ruleArguments":{},"opts":{"doSnat":true,"toIP":"10.0.0.1","fwMark":5}}"#, "opts.fwMark"),
                (#"{"ruleArguments":{},"opts":{"record":true}}"#, "opts.record"),
                // Not an object: would decode as a rule matching every packet.
                ("null", "body"), (" 7", "body"),
            ]
            for (body, field) in bad {
                let response = try await client.post("/netlox/v1/config/firewall", body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.errorModel().fields == [field], "\(body)")
            }
            let query = try await client.delete("/netlox/v1/config/firewall?preference=high")
            let fields = try query.errorModel().fields
            #expect(query.status == .badRequest && fields == ["preference"])
            let (installed, stored) = (await datapath.entries, try await persistence.loadFirewall())
            #expect(installed.isEmpty && stored.isEmpty)
        }
    }

    @Test("without a firewall the paths answer 503")
    func unavailable() async throws {
        try await APITestHarness().run { client in
            let response = try await client.get("/netlox/v1/config/firewall/all")
            #expect(response.status == .serviceUnavailable)
        }
    }
}

/// The `firewall` list of an exported configuration file.
struct ExportedFirewall: Decodable {
    var firewall: [FirewallEntry]
}
