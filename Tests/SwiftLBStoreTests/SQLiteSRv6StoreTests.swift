import SwiftLBCore
import Testing

@testable import SwiftLBStore

/// SRv6 fields are part of the rule's entry: stored with it and restored by a reopened store.
@Suite struct SQLiteSRv6StoreTests {
    @Test("srv6Sid and srv6Segments survive closing and reopening the database")
    func restored() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let entry = LoadBalancerEntry(
            serviceArguments: ServiceArguments(
                externalIP: "2001:db8::1", port: 80, protocol: "tcp", srv6Sid: "fc00:0:ff::100"),
            endpoints: [
                LBEndpoint(
                    endpointIP: "10.0.1.1", targetPort: 8080, weight: 1, srv6Segments: ["fc00:0:1::e", "fc00:0:1::d4"])
            ])
        let rule = try RuleValidator.validate(entry)
        let record = ConfigRecord(key: rule.key, serviceID: 3, entry: rule.entry)
        do {
            let store = try SQLiteConfigStore(path: directory.path("config.db"))
            try await store.save(record)
        }
        let reopened = try SQLiteConfigStore(path: directory.path("config.db"))
        let loaded = try await reopened.loadAll()
        #expect(loaded == [record])
        let again = try RuleValidator.validate(try #require(loaded.first).entry)
        #expect(again.datapathService(id: 3) == rule.datapathService(id: 3))
        #expect(again.srv6SID == IPAddress("fc00:0:ff::100"))
    }
}
