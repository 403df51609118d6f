import Testing

@testable import SwiftLBCore

@Suite("Packet counters and rule metrics")
struct RuleStoreMetricsTests {
    @Test("InMemoryDatapath reports the packet counters set, none by default, and can fail a read")
    func inMemoryPacketCounters() async throws {
        let datapath = InMemoryDatapath()
        #expect(try await datapath.packetCounters() == [:])
        await datapath.setPacketCounters(["rx": 10, "drop_no_endpoint": 2])
        #expect(try await datapath.packetCounters() == ["rx": 10, "drop_no_endpoint": 2])
        await datapath.failNext(.read)
        await #expect(throws: DatapathError(InMemoryDatapathError.injected(.read))) {
            try await datapath.packetCounters()
        }
        #expect(try await datapath.packetCounters() == ["rx": 10, "drop_no_endpoint": 2])
    }

    @Test("RuleStore passes packet counters through, and answers 503 when the datapath cannot be read")
    func storePacketCounters() async throws {
        let harness = Harness()
        await harness.datapath.setPacketCounters(["rx": 5, "ct_hit": 4])
        #expect(try await harness.store.packetCounters() == ["rx": 5, "ct_hit": 4])
        await harness.datapath.failNext(.read)
        let error = await apiError { _ = try await harness.store.packetCounters() }
        #expect(error?.status == 503)
        #expect(error?.message.contains("packet counters could not be read") == true)
    }

    @Test("rule metrics list every rule by key with its name, service counters and endpoint counters")
    func ruleMetrics() async throws {
        let harness = Harness()
        #expect(try await harness.store.ruleMetrics() == [])
        try await harness.store.create(
            Fixtures.entry("10.0.0.2", port: 53, proto: "udp", name: "dns", endpoints: [("10.0.2.1", 53, 1)]))
        try await harness.store.create(
            Fixtures.entry(name: "web", endpoints: [("10.0.1.2", 8080, 1), ("10.0.1.1", 8080, 1)]))
        // "dns" took slot 0, "web" slot 1.
        await harness.datapath.setServiceCounters(Counters(packets: 9, bytes: 900), id: 1)
        await harness.datapath.setEndpointCounters(
            [Counters(packets: 4, bytes: 400), Counters(packets: 5, bytes: 500)], id: 1)
        await harness.datapath.setServiceCounters(Counters(packets: 2, bytes: 120), id: 0)

        let metrics = try await harness.store.ruleMetrics()
        #expect(
            metrics == [
                RuleStore.RuleMetrics(
                    key: Fixtures.key("10.0.0.1", 80), name: "web", counters: Counters(packets: 9, bytes: 900),
                    endpoints: [
                        RuleStore.EndpointMetrics(
                            address: Fixtures.ip4("10.0.1.1"), port: 8080, counters: Counters(packets: 4, bytes: 400)),
                        RuleStore.EndpointMetrics(
                            address: Fixtures.ip4("10.0.1.2"), port: 8080, counters: Counters(packets: 5, bytes: 500)),
                    ]),
                RuleStore.RuleMetrics(
                    key: Fixtures.key("10.0.0.2", 53, .udp), name: "dns", counters: Counters(packets: 2, bytes: 120),
                    endpoints: [RuleStore.EndpointMetrics(address: Fixtures.ip4("10.0.2.1"), port: 53, counters: .zero)]
                ),
            ])
        #expect(metrics.first?.endpoints.first?.text == "10.0.1.1:8080")
    }

    @Test("rule metrics are a 503 naming the rule when its counters cannot be read")
    func ruleMetricsUnavailable() async throws {
        let harness = Harness()
        try await harness.store.create(Fixtures.entry(name: "web"))
        await harness.datapath.failNext(.read)
        let error = await apiError { _ = try await harness.store.ruleMetrics() }
        #expect(error?.status == 503)
        #expect(error?.message.contains("10.0.0.1:80/tcp") == true)
    }
}
