import Testing

@testable import SwiftLBCore

@Suite("RuleStore rollback and restore")
struct RuleStoreRecoveryTests {
    static let twoRules = """
        svc 0 10.0.0.1:80/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1]
        svc 1 10.0.0.2:80/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1]
        """

    private func twoRuleHarness() async throws -> Harness {
        let harness = Harness()
        try await harness.store.create(Fixtures.entry("10.0.0.1", name: "web"))
        try await harness.store.create(Fixtures.entry("10.0.0.2"))
        return harness
    }

    @Test("a datapath failure on create is a 500 and leaves datapath, store and list unchanged")
    func datapathFailsOnCreate() async throws {
        let harness = try await twoRuleHarness()
        let before = await harness.store.list()
        await harness.datapath.failNext(.upsert)
        let error = await apiError { try await harness.store.create(Fixtures.entry("10.0.0.3")) }
        #expect(error?.status == 500)
        #expect(error?.message.contains("nothing was changed") == true)
        await harness.datapath.failNext(.upsert)
        let update = await apiError {
            try await harness.store.create(Fixtures.entry("10.0.0.1", name: "web", endpoints: [("10.0.4.4", 80, 1)]))
        }
        #expect(update?.status == 500)
        #expect(await harness.datapath.dump() == Self.twoRules)
        #expect(try await harness.config.loadAll().count == 2)
        #expect(await harness.store.list() == before)
        // The store keeps working, and the failed rule did not hold on to a slot.
        await harness.datapath.failNext(.upsert)
        _ = await apiError { try await harness.store.create(Fixtures.entry("10.0.0.3")) }
        try await harness.store.create(Fixtures.entry("10.0.0.3"))
        #expect(try await harness.config.loadAll().map(\.serviceID) == [0, 1, 2])
    }

    @Test("a datapath limit on create is a 507 (not a 500) and changes nothing")
    func datapathLimitIs507() async throws {
        // A store that lets through more endpoints than the datapath holds: the datapath's limit answers.
        let datapath = InMemoryDatapath()
        let config = InMemoryConfigStore()
        let store = RuleStore(
            config: config, datapath: datapath, logger: Fixtures.logger, maxServices: Limits.maxServices,
            maxEndpoints: Limits.maxEndpointsPerService + 8)
        let many = (1...(Limits.maxEndpointsPerService + 1)).map { ("10.0.\(3 + $0 / 256).\($0 % 256)", 8080, 1) }
        let error = await apiError { try await store.create(Fixtures.entry("10.0.0.7", endpoints: many)) }
        #expect(error?.status == 507)
        #expect(error?.message.contains("no room") == true)
        #expect(await store.list().isEmpty)
        #expect(try await config.loadAll().isEmpty)
        #expect(try await datapath.programmedServices().isEmpty)
    }

    @Test("a config failure on create removes the new service from the datapath again")
    func configFailsOnCreate() async throws {
        let harness = try await twoRuleHarness()
        await harness.config.failNextWrites()
        let error = await apiError { try await harness.store.create(Fixtures.entry("10.0.0.3")) }
        #expect(error?.status == 500)
        #expect(error?.message.contains("rolled back") == true)
        #expect(await harness.datapath.dump() == Self.twoRules)
        #expect(await harness.datapath.log.suffix(2) == ["upsert 2 10.0.0.3:80/tcp", "remove 2 10.0.0.3:80/tcp"])
        #expect(await harness.ips() == ["10.0.0.1", "10.0.0.2"])
    }

    @Test("a config failure on update restores the previous endpoints in the datapath")
    func configFailsOnUpdate() async throws {
        let harness = try await twoRuleHarness()
        await harness.config.failNextWrites()
        let error = await apiError {
            try await harness.store.create(Fixtures.entry("10.0.0.1", name: "web", endpoints: [("10.0.8.8", 80, 1)]))
        }
        #expect(error?.status == 500)
        #expect(await harness.datapath.dump() == Self.twoRules)
        #expect(try await harness.config.loadAll().first?.entry.endpoints.map(\.endpointIP) == ["10.0.1.1"])
        #expect(await harness.store.list().first?.endpoints.map(\.endpointIP) == ["10.0.1.1"])
    }

    @Test("when the rollback fails too, the error says to restart")
    func rollbackFails() async throws {
        let harness = try await twoRuleHarness()
        await harness.config.failNextWrites()
        await harness.datapath.failNext(.remove)
        let error = await apiError { try await harness.store.create(Fixtures.entry("10.0.0.3")) }
        #expect(error?.status == 500)
        #expect(error?.message.contains("restart the daemon") == true)
        #expect(await harness.ips() == ["10.0.0.1", "10.0.0.2"])
    }

    @Test("a datapath failure on delete is a 500 and keeps the rule everywhere")
    func datapathFailsOnDelete() async throws {
        let harness = try await twoRuleHarness()
        await harness.datapath.failNext(.remove)
        let error = await apiError { try await harness.store.delete(.name("web")) }
        #expect(error?.status == 500)
        #expect(await harness.datapath.dump() == Self.twoRules)
        #expect(try await harness.config.loadAll().count == 2)
        #expect(await harness.names() == ["web", ""])
    }

    @Test("a config failure on delete puts the service back into the datapath")
    func configFailsOnDelete() async throws {
        let harness = try await twoRuleHarness()
        await harness.config.failNextWrites()
        let error = await apiError { try await harness.store.delete(.name("web")) }
        #expect(error?.status == 500)
        #expect(await harness.datapath.dump() == Self.twoRules)
        #expect(await harness.names() == ["web", ""])
        try await harness.store.delete(.name("web"))
        #expect(await harness.names() == [""])
    }

    @Test("delete all removes every rule in one config write, and a failed write keeps them all")
    func deleteAllIsOneWrite() async throws {
        let harness = try await twoRuleHarness()
        await harness.config.failNextWrites()
        let error = await apiError { try await harness.store.deleteAll() }
        #expect(error?.status == 500)
        #expect(await harness.datapath.dump() == Self.twoRules)
        #expect(await harness.ips() == ["10.0.0.1", "10.0.0.2"])
        #expect(try await harness.config.loadAll().count == 2)
        let writes = await harness.config.writeCount
        try await harness.store.deleteAll()
        #expect(await harness.config.writeCount == writes + 1)
        #expect(await harness.store.list().isEmpty)
        #expect(try await harness.datapath.programmedServices().isEmpty)
    }

    @Test("a restarted store over the same config lists the same rules and programs the same datapath")
    func restoreAfterRestart() async throws {
        let harness = try await twoRuleHarness()
        try await harness.store.create(
            Fixtures.entry("10.0.0.1", proto: "udp", sel: 1, endpoints: [("10.0.2.1", 0, 3)]))
        try await harness.store.delete(
            .service(externalIP: "10.0.0.2", port: 80, portMax: nil, proto: "tcp", hostURL: nil))
        let list = await harness.store.list()
        let dump = await harness.datapath.dump()

        // The new datapath still holds a stale service from an older config, and a changed one.
        let stale = Fixtures.service(7, "10.0.0.9", 80)
        let outdated = Fixtures.service(0, "10.0.0.1", 80, endpoints: [("10.0.0.99", 80, 1)])
        let restarted = harness.restarted(datapath: InMemoryDatapath(services: [stale, outdated]))
        try await restarted.store.restore()
        #expect(await restarted.store.list() == list)
        #expect(await restarted.datapath.dump() == dump)
        #expect(await restarted.datapath.log.first == "remove 7 10.0.0.9:80/tcp")

        // Ids survive: the next rule takes the slot freed before the restart.
        try await restarted.store.create(Fixtures.entry("10.0.0.5"))
        #expect(try await restarted.config.loadAll().map(\.serviceID) == [0, 2, 1])
        // The restored rules are known: another algorithm on one of their keys is a conflict.
        let again = await apiError { try await restarted.store.create(Fixtures.entry("10.0.0.1", sel: 2)) }
        #expect(again?.status == 409)
    }

    @Test("a stored weight above 255 (older versions) is restored as 255, not refused")
    func restoreClampsLegacyWeights() async throws {
        var entry = try RuleValidator.validate(Fixtures.entry("10.0.0.1")).entry
        entry.endpoints[0].weight = 300
        let record = ConfigRecord(key: Fixtures.key("10.0.0.1", 80), serviceID: 0, entry: entry)
        let harness = Harness(config: InMemoryConfigStore(records: [record]))
        try await harness.store.restore()
        #expect(await harness.store.list().first?.endpoints.first?.weight == 255)
    }

    @Test("restore refuses records that no longer validate or clash, naming the record")
    func restoreRefusesDamage() async throws {
        let valid = try RuleValidator.validate(Fixtures.entry("10.0.0.1"))
        var bad = valid.entry
        bad.serviceArguments.port = 0
        let cases: [[ConfigRecord]] = [
            [ConfigRecord(key: valid.key, serviceID: 0, entry: bad)],
            [ConfigRecord(key: Fixtures.key("10.0.0.2", 80), serviceID: 0, entry: valid.entry)],
            [
                ConfigRecord(key: valid.key, serviceID: 3, entry: valid.entry),
                ConfigRecord(
                    key: Fixtures.key("10.0.0.2", 80), serviceID: 3,
                    entry: try RuleValidator.validate(Fixtures.entry("10.0.0.2")).entry),
            ],
        ]
        for records in cases {
            let harness = Harness(config: InMemoryConfigStore(records: records))
            await #expect(throws: APIError.self) { try await harness.store.restore() }
            #expect(await harness.datapath.log.isEmpty)
        }
    }
}
