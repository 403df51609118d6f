import Foundation
import Testing

@testable import SwiftLBCore

/// `opts.everyPacket`: validated, kept in the entry, and the tables turn the datapath's switch on
/// with the first such rule and off with the last one.
@Suite("firewall everyPacket rules")
struct FirewallEveryPacketTests {
    static func entry(_ source: String, every: Bool = true, opts: FirewallOptions = FirewallOptions(drop: true))
        -> FirewallEntry
    {
        var opts = opts
        opts.everyPacket = every
        return FirewallEntry(ruleArguments: FirewallRuleArguments(sourceIP: source), opts: opts)
    }

    @Test("everyPacket reads back, decodes from JSON, and is refused with doSnat")
    func validated() throws {
        let rule = try FirewallValidator.rule(from: Self.entry("10.0.0.9/32"))
        #expect(rule.everyPacket && rule.entry.opts.everyPacket && rule.action == .drop)
        let json = #"{"ruleArguments":{"sourceIP":"10.0.0.9/32"},"opts":{"drop":true,"everyPacket":true}}"#
        let decoded = try LoxiJSON.decode(FirewallEntry.self, from: Data(json.utf8))
        #expect(decoded.opts.everyPacket)
        let plain = try LoxiJSON.decode(FirewallEntry.self, from: Data(#"{"opts":{"drop":true}}"#.utf8))
        #expect(!plain.opts.everyPacket, "loxilb's clients leave it out")
        do {
            _ = try FirewallValidator.rule(
                from: Self.entry("10.0.0.0/24", opts: FirewallOptions(doSnat: true, toIP: "192.0.2.1")))
            Issue.record("everyPacket with doSnat was accepted")
        } catch {
            #expect(error.status == 400 && error.fields == ["opts.everyPacket"])
        }
    }

    @Test("the switch is on while some installed rule has everyPacket")
    func tablesSwitch() throws {
        var tables = FirewallTables()
        let plain = try tables.add(
            FirewallValidator.rule(from: Self.entry("10.0.0.1/32", every: false)), id: 1, ifindex: nil)
        #expect(plain.everyPacket == nil)
        let first = try tables.add(FirewallValidator.rule(from: Self.entry("10.0.0.2/32")), id: 2, ifindex: nil)
        #expect(first.everyPacket == true)
        #expect(first.upserts.values.allSatisfy { $0.everyPacket })
        let second = try tables.add(FirewallValidator.rule(from: Self.entry("fd00::2/128")), id: 3, ifindex: nil)
        #expect(second.everyPacket == nil, "already on")
        #expect(tables.remove(id: 2).everyPacket == nil, "rule 3 still asks")
        #expect(tables.remove(id: 1).everyPacket == nil)
        #expect(tables.remove(id: 3).everyPacket == false)
    }

    @Test("the store hands the switch to the datapath and undoes it with the last rule")
    func storeSwitch() async throws {
        let datapath = InMemoryFirewallDatapath()
        let store = FirewallStore(persistence: InMemoryFirewallConfigStore(), datapath: datapath)
        try await store.add(Self.entry("10.0.0.2/32", every: false))
        #expect(await !datapath.everyPacket)
        try await store.add(Self.entry("10.0.0.3/32"))
        #expect(await datapath.everyPacket)
        try await store.delete(FirewallRuleArguments(sourceIP: "10.0.0.3/32"))
        #expect(await !datapath.everyPacket)
        #expect(await store.entries().count == 1)
    }

    @Test("a restarted store turns the switch on again from the stored rules")
    func restoredSwitch() async throws {
        let persistence = InMemoryFirewallConfigStore()
        try await FirewallStore(persistence: persistence, datapath: InMemoryFirewallDatapath())
            .add(Self.entry("10.0.0.3/32"))
        let datapath = InMemoryFirewallDatapath()
        let restarted = FirewallStore(persistence: persistence, datapath: datapath)
        #expect(try await restarted.restore() == 1)
        #expect(await datapath.everyPacket)
        #expect(await restarted.entries().first?.opts.everyPacket == true)
    }
}
