import Testing

@testable import SwiftLBCore

/// loxilb's import: the whole rule set replaced, all or nothing; kept rules keep their ids.
@Suite struct RuleStoreImportTests {
    /// Rules A (10.0.0.1) and B (10.0.0.2), ids 0 and 1.
    static func seeded() async throws -> Harness {
        let harness = Harness()
        try await harness.store.create(Fixtures.entry("10.0.0.1"))
        try await harness.store.create(Fixtures.entry("10.0.0.2"))
        return harness
    }

    @Test func replacesTheRuleSetKeepingTheIDsOfKeptRules() async throws {
        let harness = try await Self.seeded()
        let summary = try await harness.store.replaceAll(with: [
            Fixtures.entry("10.0.0.3"), Fixtures.entry("10.0.0.2", endpoints: [("10.0.1.9", 8080, 1)]),
        ])
        #expect(summary == .init(added: 1, kept: 1, removed: 1))
        #expect(await harness.ips() == ["10.0.0.2", "10.0.0.3"])
        // B keeps id 1 (its flows go on); C takes the lowest free id, A's 0.
        #expect(
            await harness.datapath.dump()
                == "svc 1 10.0.0.2:80/tcp sel=rr mode=default eps=[10.0.1.9:8080 w1]\n"
                + "svc 0 10.0.0.3:80/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1]")
        let stored = try await harness.config.loadAll()
        #expect(
            stored.map(\.serviceID) == [1, 0]
                && stored.map(\.key.vip) == [Fixtures.ip4("10.0.0.2"), Fixtures.ip4("10.0.0.3")])
        // What was imported survives a restart.
        let restarted = harness.restarted()
        try await restarted.store.restore()
        #expect(await restarted.ips() == ["10.0.0.2", "10.0.0.3"])
    }

    @Test func anInvalidOrRepeatedEntryIsNamedAndNothingChanges() async throws {
        let harness = try await Self.seeded()
        let before = await harness.datapath.dump()
        var bad = Fixtures.entry("10.0.0.4")
        bad.serviceArguments.port = 0
        let invalid = await apiError {
            _ = try await harness.store.replaceAll(with: [Fixtures.entry("10.0.0.3"), bad])
        }
        #expect(invalid?.status == 400 && invalid?.fields.first?.hasPrefix("loadbalancer[1].serviceArguments.") == true)
        let repeated = await apiError {
            _ = try await harness.store.replaceAll(with: [Fixtures.entry("10.0.0.3"), Fixtures.entry("10.0.0.3")])
        }
        #expect(repeated?.status == 400 && repeated?.fields == ["loadbalancer[1].serviceArguments"])
        var attach = Fixtures.entry("10.0.0.3")
        attach.serviceArguments.oper = 1
        let oper = await apiError { _ = try await harness.store.replaceAll(with: [attach]) }
        #expect(oper?.fields == ["loadbalancer[0].serviceArguments.oper"])
        #expect(await harness.datapath.dump() == before)
        #expect(try await harness.config.loadAll().count == 2)
    }

    @Test func aFailedWriteOrDatapathPutsEverythingBack() async throws {
        let harness = try await Self.seeded()
        let before = await harness.datapath.dump()
        await harness.config.failNextWrites()
        let write = await apiError { _ = try await harness.store.replaceAll(with: [Fixtures.entry("10.0.0.9")]) }
        #expect(write?.status == 500 && write?.message.contains("rolled back") == true)
        #expect(await harness.datapath.dump() == before)
        #expect(await harness.ips() == ["10.0.0.1", "10.0.0.2"])
        await harness.datapath.failNext(.upsert)
        let datapath = await apiError { _ = try await harness.store.replaceAll(with: [Fixtures.entry("10.0.0.9")]) }
        #expect(datapath?.status == 500)
        #expect(await harness.datapath.dump() == before)
        #expect(try await harness.config.loadAll().count == 2)
    }

    @Test func anEmptyImportDeletesEveryRule() async throws {
        let harness = try await Self.seeded()
        #expect(try await harness.store.replaceAll(with: []) == .init(added: 0, kept: 0, removed: 2))
        #expect(await harness.datapath.dump().isEmpty)
        #expect(try await harness.config.loadAll().isEmpty)
    }
}
