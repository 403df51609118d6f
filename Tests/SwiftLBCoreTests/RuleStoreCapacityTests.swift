import Testing

@testable import SwiftLBCore

/// The store built from the daemon's sizing flags: 1,024 endpoints per rule, ids below
/// `--max-services`.
struct RuleStoreCapacityTests {
    static func endpoints(_ count: Int) -> [(String, Int, Int)] {
        (0..<count).map { ("10.1.\($0 / 256).\($0 % 256)", 8080, 1) }
    }

    @Test("a rule with 1,024 endpoints is programmed; 1,025 is a 400 that changes nothing")
    func thousandTwentyFourEndpoints() async throws {
        let datapath = InMemoryDatapath()
        let store = RuleStore(
            config: InMemoryConfigStore(), datapath: datapath, logger: Fixtures.logger, capacity: .defaults)
        try await store.create(Fixtures.entry("10.0.0.1", endpoints: Self.endpoints(1024)))
        #expect(try await datapath.programmedServices().first?.endpoints.count == 1024)
        let error = await apiError {
            try await store.create(Fixtures.entry("10.0.0.2", endpoints: Self.endpoints(1025)))
        }
        #expect(error?.status == 400)
        #expect(error?.message.contains("1025 endpoints exceed the limit of 1024 per service") == true)
        #expect(await store.list().count == 1)
    }

    @Test("service ids stay below --max-services: the next rule is a 507 naming the slots")
    func serviceIDsStayBelowTheCapacity() async throws {
        let store = RuleStore(
            config: InMemoryConfigStore(), datapath: InMemoryDatapath(), logger: Fixtures.logger,
            capacity: DatapathCapacity(maxServices: 1024))
        for index in 0..<1024 { try await store.create(Fixtures.entry("10.5.\(index / 200).\(index % 200 + 1)")) }
        let error = await apiError { try await store.create(Fixtures.entry("10.9.0.1")) }
        #expect(error?.status == 507)
        #expect(error?.message.contains("all 1024 service slots are in use") == true)
    }
}
