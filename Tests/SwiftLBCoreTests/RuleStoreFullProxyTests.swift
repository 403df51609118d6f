import Testing

@testable import SwiftLBCore

/// fullproxy rules: stored and listed like others, keyed by host, never written to the datapath.
@Suite("RuleStore fullproxy")
struct RuleStoreFullProxyTests {
    static func proxy(host: String, port: Int = 80, security: Int = 0) -> LoadBalancerEntry {
        var entry = Fixtures.entry(port: port)
        entry.serviceArguments.mode = 4
        entry.serviceArguments.host = host
        entry.serviceArguments.security = security
        return entry
    }

    @Test("rules differing by host share a VIP and port; none reaches the datapath; a restart restores them")
    func hostsShareAListener() async throws {
        let harness = Harness()
        try await harness.store.create(Self.proxy(host: "a.example.com"))
        try await harness.store.create(Self.proxy(host: "b.example.com"))
        try await harness.store.create(Self.proxy(host: ""))
        try await harness.store.create(Fixtures.entry(port: 8080))
        #expect(await harness.store.list().map(\.serviceArguments.host) == ["", "a.example.com", "b.example.com", ""])
        #expect(await harness.datapath.dump() == "svc 3 10.0.0.1:8080/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1]")
        let stored = try await harness.config.loadAll().map(\.key.description)
        #expect(stored.contains("10.0.0.1:80/tcp@a.example.com") && stored.contains("10.0.0.1:80/tcp"))

        let restarted = harness.restarted()
        try await restarted.store.restore()
        #expect(await restarted.store.list().count == 4)
        #expect(await restarted.datapath.dump() == "svc 3 10.0.0.1:8080/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1]")
    }

    @Test("metrics leave fullproxy rules out instead of failing on their missing datapath counters")
    func metricsSkipProxyRules() async throws {
        let harness = Harness()
        try await harness.store.create(Self.proxy(host: "a.example.com"))
        try await harness.store.create(Fixtures.entry(port: 8080))
        let metrics = try await harness.store.ruleMetrics()
        #expect(metrics.map(\.key.description) == ["10.0.0.1:8080/tcp"])
        #expect(await harness.store.list().first?.endpoints.first?.counter == "")
    }

    @Test("delete by host URL removes that host's rule only")
    func deleteByHost() async throws {
        let harness = Harness()
        try await harness.store.create(Self.proxy(host: "a.example.com"))
        try await harness.store.create(Self.proxy(host: "b.example.com"))
        try await harness.store.delete(
            .service(externalIP: "10.0.0.1", port: 80, portMax: nil, proto: "tcp", hostURL: "A.example.com"))
        #expect(await harness.store.list().map(\.serviceArguments.host) == ["b.example.com"])
    }

    @Test("a datapath rule and a proxy rule cannot share a port; proxy rules on one port share their security")
    func conflicts() async throws {
        let harness = Harness()
        try await harness.store.create(Self.proxy(host: "a.example.com", port: 443, security: 1))
        await #expect(throws: APIError.self) { try await harness.store.create(Fixtures.entry(port: 443)) }
        await #expect(throws: APIError.self) {
            try await harness.store.create(Self.proxy(host: "b.example.com", port: 443, security: 0))
        }
        try await harness.store.create(Fixtures.entry(port: 80))
        await #expect(throws: APIError.self) { try await harness.store.create(Self.proxy(host: "a.example.com")) }
        #expect(await harness.store.list().count == 2)
    }

    @Test("an L4 rule replaced by deleting it and adding a proxy rule leaves the datapath empty")
    func replaceL4ByProxy() async throws {
        let harness = Harness()
        try await harness.store.create(Fixtures.entry(port: 80))
        try await harness.store.delete(
            .service(externalIP: "10.0.0.1", port: 80, portMax: nil, proto: "tcp", hostURL: nil))
        try await harness.store.create(Self.proxy(host: ""))
        #expect(await harness.datapath.dump() == "")
    }
}
