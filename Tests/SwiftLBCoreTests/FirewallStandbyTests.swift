import Testing

@testable import SwiftLBCore

/// onDefault SNAT rules on an HA BACKUP: kept and listed, but out of the datapath until MASTER.
@Suite("firewall standby (HA BACKUP)")
struct FirewallStandbyTests {
    static func snat(_ source: String, onDefault: Bool) -> FirewallEntry {
        FirewallEntry(
            ruleArguments: FirewallRuleArguments(sourceIP: source, preference: 100),
            opts: FirewallOptions(doSnat: true, toIP: "10.10.50.1", onDefault: onDefault))
    }

    static let drop = FirewallEntry(
        ruleArguments: FirewallRuleArguments(sourceIP: "10.9.0.0/16", preference: 10), opts: FirewallOptions(drop: true)
    )

    static func ruleIDs(_ datapath: InMemoryFirewallDatapath) async -> Set<UInt32> {
        Set(await datapath.entries.values.map(\.ruleID))
    }

    @Test("standing by withdraws only the onDefault SNAT rules and going MASTER puts them back as they were")
    func withdrawAndReinstall() async throws {
        let datapath = InMemoryFirewallDatapath()
        let store = FirewallStore(persistence: InMemoryFirewallConfigStore(), datapath: datapath)
        try await store.add(Self.snat("10.1.0.0/16", onDefault: true))
        try await store.add(Self.snat("10.2.0.0/16", onDefault: false))
        try await store.add(Self.drop)
        let installed = await datapath.entries
        let tuples = await datapath.tuples
        #expect(await Self.ruleIDs(datapath) == [1, 2, 3])

        try await store.setStandby(true)
        #expect(await store.isStandingBy)
        #expect(await Self.ruleIDs(datapath) == [2, 3], "the onDefault rule (id 1) left the datapath")
        #expect(await store.entries().count == 3, "it is still stored and listed")

        try await store.setStandby(false)
        #expect(await datapath.entries == installed)
        #expect(await datapath.tuples == tuples)
    }

    @Test("an onDefault rule added on a BACKUP is stored but installed only when it becomes MASTER")
    func addWhileStandingBy() async throws {
        let datapath = InMemoryFirewallDatapath()
        let persistence = InMemoryFirewallConfigStore()
        let store = FirewallStore(persistence: persistence, datapath: datapath)
        try await store.setStandby(true)
        try await store.add(Self.snat("10.1.0.0/16", onDefault: true))
        try await store.add(Self.drop)
        #expect(await Self.ruleIDs(datapath) == [2])
        #expect(try await persistence.loadFirewall().count == 2)
        try await store.setStandby(true)
        #expect(await Self.ruleIDs(datapath) == [2], "the same role twice changes nothing")
        try await store.setStandby(false)
        #expect(await Self.ruleIDs(datapath) == [1, 2])
        // Deleting a withdrawn rule works too.
        try await store.setStandby(true)
        try await store.delete(Self.snat("10.1.0.0/16", onDefault: true).ruleArguments)
        try await store.setStandby(false)
        #expect(await Self.ruleIDs(datapath) == [2])
        #expect(await store.entries().count == 1)
    }

    @Test("a datapath failure on a role change is a 500 that says what was not done")
    func failure() async throws {
        let datapath = InMemoryFirewallDatapath()
        let store = FirewallStore(persistence: InMemoryFirewallConfigStore(), datapath: datapath)
        try await store.add(Self.snat("10.1.0.0/16", onDefault: true))
        await datapath.setFailure(DatapathError(.failed, "map update refused"))
        await #expect {
            try await store.setStandby(true)
        } throws: { error in
            (error as? APIError)?.status == 500 && "\(error)".contains("withdrawing 1 onDefault SNAT rules")
        }
    }
}
