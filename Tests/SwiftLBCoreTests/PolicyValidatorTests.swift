import Foundation
import SwiftLBCore
import Testing

@Suite("QoS policy validation, units and store")
struct PolicyValidatorTests {
    static func entry(
        _ ident: String = "pol", type: Int = 0, cir: Int = 100, pir: Int = 200, cbs: Int = 0, ebs: Int = 0,
        name: String = "web", attachment: Int = 2
    ) -> PolicyEntry {
        PolicyEntry(
            policyIdent: ident,
            policyInfo: PolicyInfo(
                type: type, committedInfoRate: cir, peakInfoRate: pir, committedBlkSize: cbs, excessBlkSize: ebs),
            targetObject: PolicyTarget(polObjName: name, attachment: attachment))
    }

    /// The field a refusal names.
    static func refusedField(_ entry: PolicyEntry) -> String? {
        do {
            _ = try PolicyValidator.policer(from: entry)
            return nil
        } catch {
            return error.fields.first ?? error.message
        }
    }

    @Test("loxilb's defaults: a committed bucket of 30,000,000 bytes and an excess bucket twice it")
    func defaults() throws {
        let policer = try PolicyValidator.policer(from: Self.entry())
        #expect(policer.committedBytes == 30_000_000 && policer.excessBytes == 60_000_000)
        #expect(policer.entry.policyInfo.committedBlkSize == 30_000_000)
        #expect(policer.target == .rule("web") && policer.kind == .trTCM)
        let given = try PolicyValidator.policer(from: Self.entry(cbs: 6000))
        #expect(given.excessBytes == 12_000)
        let both = try PolicyValidator.policer(
            from: Self.entry(type: 1, pir: 0, cbs: 6000, ebs: 9000, name: "eth0", attachment: 1))
        #expect(both.excessBytes == 9000 && both.kind == .srTCM && both.target == .port("eth0"))
    }

    @Test(
        "bad fields are refused naming them",
        arguments: [
            (entry(""), "policyIdent"), (entry("a/b"), "policyIdent"), (entry("a b"), "policyIdent"),
            (entry(type: 2), "policyInfo.type"), (entry(cir: 7), "policyInfo.committedInfoRate"),
            (entry(cir: 100_001, pir: 100_001), "policyInfo.committedInfoRate"),
            (entry(pir: 0), "policyInfo.peakInfoRate"),
            (entry(cir: 100, pir: 50), "policyInfo.peakInfoRate"), (entry(type: 1, pir: -1), "policyInfo.peakInfoRate"),
            (entry(cbs: 1000), "policyInfo.committedBlkSize"), (entry(ebs: 1 << 31), "policyInfo.excessBlkSize"),
            (entry(attachment: 0), "targetObject.attachment"), (entry(attachment: 3), "targetObject.attachment"),
            (entry(name: ""), "targetObject.polObjName"),
            (entry(name: "a-very-long-interface-name", attachment: 1), "targetObject.polObjName"),
        ])
    func refusals(entry: PolicyEntry, field: String) {
        #expect(Self.refusedField(entry) == field)
    }

    @Test("rates and buckets in the datapath's fixed point (bytes/ns and bytes, 20 fraction bits)")
    func fixedPoint() {
        // 8 Mbit/s = 0.001 byte/ns = 1048.576 / 2^20, rounded to 1049 (0.04 % fast).
        #expect(PolicerParameters.rate(mbps: 8) == 1049)
        // 10 Gbit/s = 1.25 bytes/ns = 1310720 / 2^20 exactly; 100 Gbit/s likewise.
        #expect(PolicerParameters.rate(mbps: 10_000) == 1_310_720)
        #expect(PolicerParameters.rate(mbps: 100_000) == 13_107_200)
        // The largest rate times the longest credited time (2^40 ns) fits 64 bits.
        #expect(UInt64(13_107_200).multipliedReportingOverflow(by: 1 << 40).overflow == false)
        #expect(PolicerParameters.bucket(bytes: 1 << 30) == 1 << 50)
        for mbps in [8, 9, 100, 999, 1000, 40_000] {
            let exact = Double(mbps) / 8000 * 1_048_576
            #expect(abs(Double(PolicerParameters.rate(mbps: mbps)) - exact) / exact < 0.0005, "\(mbps)")
        }
    }

    @Test("the JSON is loxilb's, decoded Go-style; counters are read back but never stored")
    func codec() throws {
        let json =
            #"{"policyIdent":"p1","policyInfo":{"type":1,"colorAware":true,"committedInfoRate":100,"#
            + #""peakInfoRate":0,"committedBlkSize":6000,"excessBlkSize":0},"#
            + #""targetObject":{"polObjName":"eth1","attachment":1},"policyStats":{"greenPackets":5}}"#
        let entry = try LoxiJSON.decode(PolicyEntry.self, from: Data(json.utf8))
        #expect(
            entry.policyInfo == PolicyInfo(type: 1, colorAware: true, committedInfoRate: 100, committedBlkSize: 6000))
        #expect(entry.targetObject == PolicyTarget(polObjName: "eth1", attachment: 1))
        #expect(entry.policyStats == PolicyStats(greenPackets: 5))
        #expect(try PolicyValidator.policer(from: entry).entry.policyStats == nil)
        let missing = try LoxiJSON.decode(PolicyEntry.self, from: Data(#"{"policyIdent":"p2"}"#.utf8))
        #expect(missing.policyInfo == PolicyInfo() && missing.targetObject == PolicyTarget())
        var answered = entry
        answered.policyStats = PolicyStats(greenPackets: 1, redBytes: 9)
        let text = String(decoding: LoxiJSON.encode(PolicyList(polAttr: [answered])), as: UTF8.self)
        #expect(text.hasPrefix(#"{"polAttr":[{"policyIdent":"p1","policyInfo":{"#))
        #expect(text.contains(#""targetObject":{"attachment":1,"polObjName":"eth1"}"#))
        #expect(text.contains(#""greenPackets":1"#) && text.contains(#""redBytes":9"#))
        let stored = try PolicyValidator.policer(from: entry).entry
        #expect(!String(decoding: LoxiJSON.encode(stored), as: UTF8.self).contains("policyStats"))
    }

    static func store(
        interfaces: [String: UInt32] = ["eth1": 3], rules: [String: [UInt32]] = ["web": [7, 8]]
    ) -> (PolicyStore, InMemoryPolicyDatapath, InMemoryPolicyConfigStore) {
        let datapath = InMemoryPolicyDatapath(interfaces: interfaces)
        let persistence = InMemoryPolicyConfigStore()
        let store = PolicyStore(persistence: persistence, datapath: datapath, rules: { rules })
        return (store, datapath, persistence)
    }

    @Test("add persists and installs; a restart restores; delete removes")
    func lifecycle() async throws {
        let (store, datapath, persistence) = Self.store()
        try await store.add(Self.entry("a"))
        try await store.add(Self.entry("b", name: "eth1", attachment: 1))
        var state = await datapath.state
        #expect(state.services == [7: 1, 8: 1] && state.ports == [3: 2] && state.enabled)
        #expect(
            state.policers[1]
                == PolicerParameters(
                    committedRate: 13107, peakRate: 26214, committedBucket: 30_000_000 << 20,
                    excessBucket: 60_000_000 << 20, kind: .trTCM, colorAware: false))
        #expect(try await persistence.loadPolicies().map(\.id) == [1, 2])
        // A restarted daemon: same ids, same datapath state.
        let restarted = InMemoryPolicyDatapath(interfaces: ["eth1": 3])
        let again = PolicyStore(persistence: persistence, datapath: restarted, rules: { ["web": [7, 8]] })
        #expect(try await again.restore() == 2)
        #expect(await restarted.state == state)
        #expect(await again.entries().map(\.policyIdent) == ["a", "b"])
        try await store.delete(ident: "a")
        state = await datapath.state
        #expect(state.services.isEmpty && state.policers.keys.sorted() == [2])
        await #expect(throws: APIError.self) { try await store.delete(ident: "a") }
        try await store.delete(ident: "b")
        #expect(await datapath.state.enabled == false)
    }

    @Test("conflicts, same policy twice, replacement, unknown interfaces")
    func conflicts() async throws {
        let (store, datapath, _) = Self.store()
        try await store.add(Self.entry("a"))
        await #expect(throws: APIError.self) { try await store.add(Self.entry("a")) }
        await #expect(throws: APIError.self) { try await store.add(Self.entry("other")) }
        await #expect(throws: APIError.self) { try await store.add(Self.entry("p", name: "nosuch0", attachment: 1)) }
        try await store.add(Self.entry("a", cir: 50, pir: 50))
        #expect(await datapath.state.policers[1]?.committedRate == PolicerParameters.rate(mbps: 50))
        #expect(await store.count == 1)
    }

    @Test("a refused write changes nothing")
    func rollback() async throws {
        let (store, datapath, persistence) = Self.store()
        await persistence.setFailure(ConfigStoreError(operation: "save", reason: "disk full"))
        await #expect(throws: APIError.self) { try await store.add(Self.entry("a")) }
        let untouched = await datapath.state
        #expect(await store.count == 0 && untouched == PolicyDatapathState())
        await persistence.setFailure(nil)
        await datapath.setFailure(DatapathError(.failed, "map full"))
        await #expect(throws: APIError.self) { try await store.add(Self.entry("a")) }
        #expect(await store.count == 0)
        #expect(try await persistence.loadPolicies().isEmpty)
        await datapath.setFailure(nil)
        try await store.add(Self.entry("a"))
        #expect(await datapath.state.services == [7: 1, 8: 1])
    }

    @Test("resync follows the rules' service ids")
    func resync() async throws {
        let datapath = InMemoryPolicyDatapath()
        let rules = RulesBox()
        let store = PolicyStore(
            persistence: InMemoryPolicyConfigStore(), datapath: datapath, rules: { await rules.names })
        try await store.add(Self.entry("a"))
        let before = await datapath.state
        #expect(before.services.isEmpty && !before.enabled)
        await rules.set(["web": [12]])
        try await store.resync()
        #expect(await datapath.state.services == [12: 1])
    }
}

/// Rule names that change during a test.
actor RulesBox {
    var names: [String: [UInt32]] = [:]
    func set(_ names: [String: [UInt32]]) { self.names = names }
}
