import Testing

@testable import SwiftLBCore

/// Port ranges, secondary VIPs and source allow-lists: what a rule matches besides VIP:port.
@Suite("Rule reach")
struct RuleReachTests {
    static func rangeEntry(
        _ ip: String = "10.0.0.1", port: Int = 8080, portMax: Int = 8082, targetPort: Int = 0
    ) -> LoadBalancerEntry {
        var entry = Fixtures.entry(ip, port: port, endpoints: [("10.0.1.1", targetPort, 1)])
        entry.serviceArguments.portMax = portMax
        return entry
    }

    @Test("IP prefixes parse strictly and clear host bits")
    func prefixes() throws {
        #expect(IPPrefix("10.1.2.3/8")?.description == "10.0.0.0/8")
        #expect(IPPrefix("10.1.2.3")?.description == "10.1.2.3/32")
        #expect(IPPrefix("0.0.0.0/0")?.description == "0.0.0.0/0")
        #expect(IPPrefix("fd00:1:2:3::9/60")?.description == "fd00:1:2::/60")
        #expect(IPPrefix("2001:db8::1")?.length == 128)
        for bad in ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "fd00::/129", "x/8", "10.0.0.0/ 8"] {
            #expect(IPPrefix(bad) == nil, "\(bad)")
        }
        let prefix = try #require(IPPrefix("192.168.4.0/22"))
        #expect(prefix.contains(Fixtures.ip4("192.168.7.255")))
        #expect(!prefix.contains(Fixtures.ip4("192.168.8.0")))
        #expect(!prefix.contains(try #require(IPAddress("2001:db8::1"))))
    }

    @Test("a port range matches every port on every VIP; target port 0 keeps the client's port")
    func rangeKeys() throws {
        var entry = Self.rangeEntry()
        entry.secondaryIPs = [SecondaryIP(secondaryIP: "10.0.0.3"), SecondaryIP(secondaryIP: "10.0.0.2")]
        let rule = try RuleValidator.validate(entry)
        #expect(rule.portMax == 8082)
        #expect(rule.endpoints.map(\.port) == [0])
        #expect(rule.secondaryVIPs.map(\.description) == ["10.0.0.2", "10.0.0.3"])
        #expect(rule.entry.secondaryIPs.map(\.secondaryIP) == ["10.0.0.2", "10.0.0.3"])
        let service = rule.datapathService(id: 1)
        #expect(service.ports == 8080...8082)
        #expect(
            service.matchKeys.map(\.description) == [
                "10.0.0.1:8080/tcp", "10.0.0.1:8081/tcp", "10.0.0.1:8082/tcp",
                "10.0.0.2:8080/tcp", "10.0.0.2:8081/tcp", "10.0.0.2:8082/tcp",
                "10.0.0.3:8080/tcp", "10.0.0.3:8081/tcp", "10.0.0.3:8082/tcp",
            ])
        // A single port with a target port 0 still means the service port.
        let single = try RuleValidator.validate(Fixtures.entry(endpoints: [("10.0.1.1", 0, 1)]))
        #expect(single.endpoints.map(\.port) == [80])
        #expect(single.datapathService(id: 0).matchKeys.map(\.description) == ["10.0.0.1:80/tcp"])
    }

    @Test("allowed sources are normalized, deduplicated and sorted; validating again is idempotent")
    func allowedSources() throws {
        var entry = Fixtures.entry()
        entry.allowedSources = ["192.168.1.7/24", "10.0.0.0/8", "192.168.1.0/24", "10.9.9.9"].map {
            AllowedSource(prefix: $0)
        }
        let rule = try RuleValidator.validate(entry)
        #expect(rule.allowedSources.map(\.description) == ["10.0.0.0/8", "10.9.9.9/32", "192.168.1.0/24"])
        #expect(rule.entry.allowedSources.map(\.prefix) == ["10.0.0.0/8", "10.9.9.9/32", "192.168.1.0/24"])
        #expect(try RuleValidator.validate(rule.entry) == rule)
    }

    @Test("rules whose ports or VIPs overlap are a 409; the first rule stays as it was")
    func overlaps() async throws {
        let harness = Harness()
        try await harness.store.create(Self.rangeEntry())
        let inside = await apiError { try await harness.store.create(Fixtures.entry(port: 8081)) }
        #expect(inside?.status == 409)
        #expect(
            inside?.message.contains("10.0.0.1:8081/tcp is already served by the rule for 10.0.0.1:8080/tcp") == true)
        let straddling = await apiError {
            try await harness.store.create(Self.rangeEntry(port: 8000, portMax: 8080))
        }
        #expect(straddling?.status == 409)
        var secondary = Fixtures.entry("10.0.0.9", port: 8082)
        secondary.secondaryIPs = [SecondaryIP(secondaryIP: "10.0.0.1")]
        let viaSecondary = await apiError { try await harness.store.create(secondary) }
        #expect(viaSecondary?.status == 409)
        // Same ports on UDP, or next to the range, are other keys.
        try await harness.store.create(Fixtures.entry(port: 8081, proto: "udp"))
        try await harness.store.create(Fixtures.entry(port: 8083))
        #expect(
            await harness.datapath.dump() == """
                svc 0 10.0.0.1:8080/tcp sel=rr mode=default ports=8080-8082 eps=[10.0.1.1:0 w1]
                svc 1 10.0.0.1:8081/udp sel=rr mode=default eps=[10.0.1.1:8080 w1]
                svc 2 10.0.0.1:8083/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1]
                """)
    }

    @Test("updating a rule may move its range over its own ports; the match table limit is a 507")
    func updatesAndLimit() async throws {
        let harness = Harness()
        try await harness.store.create(Self.rangeEntry())
        try await harness.store.create(Self.rangeEntry(portMax: 8085))
        #expect(await harness.datapath.dump().contains("ports=8080-8085"))

        var table = RuleTable(maxServices: 10, maxServiceKeys: 5)
        let four = try RuleValidator.validate(Self.rangeEntry(portMax: 8083))
        table.commit(InstalledRule(serviceID: 0, rule: four))
        let two = try RuleValidator.validate(Self.rangeEntry("10.0.0.2", portMax: 8081))
        let error = await apiError { _ = try table.change(for: two) }
        #expect(error?.status == 507)
        #expect(error?.message.contains("only 1 of 5 are free") == true)
        // Shrinking the existing rule frees its own entries for itself.
        let shrunk = try RuleValidator.validate(Self.rangeEntry(portMax: 8080))
        #expect(try table.change(for: shrunk) != .unchanged)
    }

    @Test("allow-lists and secondary VIPs reach the datapath and survive a restart")
    func restore() async throws {
        let harness = Harness()
        var entry = Self.rangeEntry(portMax: 8081)
        entry.secondaryIPs = [SecondaryIP(secondaryIP: "10.0.0.2")]
        entry.allowedSources = [AllowedSource(prefix: "10.1.0.0/16")]
        try await harness.store.create(entry)
        let expected =
            "svc 0 10.0.0.1:8080/tcp sel=rr mode=default ports=8080-8081 secondary=[10.0.0.2] "
            + "allow=[10.1.0.0/16] eps=[10.0.1.1:0 w1]"
        #expect(await harness.datapath.dump() == expected)
        let restarted = harness.restarted()
        try await restarted.store.restore()
        #expect(await restarted.datapath.dump() == expected)
    }

    @Test("a range rule is deleted by its first port, with its range end or without one")
    func deleteRange() async throws {
        let harness = Harness()
        try await harness.store.create(Self.rangeEntry())
        let wrongEnd = await apiError {
            try await harness.store.delete(
                .service(externalIP: "10.0.0.1", port: 8080, portMax: 8081, proto: "tcp", hostURL: nil))
        }
        #expect(wrongEnd?.status == 404)
        try await harness.store.delete(
            .service(externalIP: "10.0.0.1", port: 8080, portMax: 8082, proto: "tcp", hostURL: nil))
        #expect(await harness.datapath.dump().isEmpty)
        try await harness.store.create(Self.rangeEntry())
        try await harness.store.delete(
            .service(externalIP: "10.0.0.1", port: 8080, portMax: 0, proto: "tcp", hostURL: nil))
        #expect(await harness.datapath.dump().isEmpty)
    }
}
