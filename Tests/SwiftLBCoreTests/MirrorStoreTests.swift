import SwiftLBCore
import Testing

@Suite("mirror store: persisted, installed, undone on failure, restored")
struct MirrorStoreTests {
    static let interfaces: [String: UInt32] = ["eth0": 2, "eth1": 3, "eth2": 4]

    /// Rules by name, as RuleStore.serviceIDs(selectedBy:) would resolve them.
    actor Rules {
        var byName: [String: [UInt32]] = ["web": [5, 6], "20.20.20.1:80/tcp": [5]]
        func set(_ name: String, _ ids: [UInt32]) { byName[name] = ids }
        func resolve(_ name: String) -> [UInt32] { byName[name] ?? [] }
    }

    static func make(
        persistence: InMemoryMirrorConfigStore = InMemoryMirrorConfigStore(),
        datapath: InMemoryMirrorDatapath = InMemoryMirrorDatapath(interfaces: MirrorStoreTests.interfaces),
        rules: Rules = Rules()
    ) -> MirrorStore {
        MirrorStore(persistence: persistence, datapath: datapath) { await rules.resolve($0) }
    }

    @Test("a port SPAN mirror is stored and attached; delete detaches and forgets it")
    func portSpan() async throws {
        let persistence = InMemoryMirrorConfigStore()
        let datapath = InMemoryMirrorDatapath(interfaces: Self.interfaces)
        let store = Self.make(persistence: persistence, datapath: datapath)
        try await store.add(MirrorValidatorTests.entry())
        #expect(
            await datapath.attachments
                == MirrorAttachments(ports: [2: MirrorTarget(id: 1, destination: .span(port: "eth2"), ifindex: 4)]))
        #expect(try await persistence.loadMirrors().map(\.entry.mirrorIdent) == ["m1"])
        await datapath.count(id: 1, MirrorCounter(packets: 3, bytes: 180, failures: 1))
        let listed = await store.entries()
        #expect(listed.count == 1 && listed[0].sync == 0 && listed[0].counter == "3:180" && listed[0].failures == 1)
        try await store.delete("m1")
        #expect(await datapath.attachments.isEmpty)
        #expect(try await persistence.loadMirrors().isEmpty)
        await #expect(throws: APIError.self) { try await store.delete("m1") }
    }

    @Test("rule mirrors follow the rules' service ids; ERSPAN and RSPAN carry their settings")
    func ruleMirrors() async throws {
        let datapath = InMemoryMirrorDatapath(interfaces: Self.interfaces)
        let rules = Rules()
        let store = Self.make(datapath: datapath, rules: rules)
        try await store.add(
            MirrorValidatorTests.entry(
                "e", type: 2, port: "", remote: "10.9.9.9", source: "10.9.9.1", tunnel: 7, attachment: 2,
                target: "web"))
        let erspan = MirrorTarget(
            id: 1, destination: .erspan(remote: IPAddress("10.9.9.9")!, source: IPAddress("10.9.9.1")!, session: 7),
            ifindex: 0)
        #expect(await datapath.attachments.services == [5: erspan, 6: erspan])
        try await store.add(MirrorValidatorTests.entry("r", type: 1, vlan: 30, attachment: 2, target: "later"))
        // Sorted by name: "e" is installed, "r" waits for its rule.
        #expect(await store.entries().map(\.sync) == [0, 1])
        await rules.set("later", [9])
        await rules.set("web", [6])
        try await store.resync()
        let rspan = MirrorTarget(id: 2, destination: .rspan(port: "eth2", vlan: 30), ifindex: 4)
        #expect(await datapath.attachments.services == [6: erspan, 9: rspan])
        #expect(await store.entries().map(\.sync) == [0, 0])
        try await store.delete("e")
        #expect(await datapath.attachments.services == [9: rspan])
    }

    @Test("conflicts, missing ports and the store's or the datapath's refusal change nothing")
    func refusals() async throws {
        let persistence = InMemoryMirrorConfigStore()
        let datapath = InMemoryMirrorDatapath(interfaces: Self.interfaces)
        let store = Self.make(persistence: persistence, datapath: datapath)
        try await store.add(MirrorValidatorTests.entry())
        let before = await datapath.attachments
        func status(_ entry: MirrorEntry) async -> Int {
            do {
                try await store.add(entry)
                return 200
            } catch {
                return error.status
            }
        }
        #expect(await status(MirrorValidatorTests.entry()) == 409)
        #expect(await status(MirrorValidatorTests.entry("other")) == 409)
        #expect(await status(MirrorValidatorTests.entry("x", port: "nope", target: "eth1")) == 400)
        #expect(await status(MirrorValidatorTests.entry("x", target: "nope")) == 400)
        await persistence.setFailure(ConfigStoreError(operation: "write", reason: "disk"))
        #expect(await status(MirrorValidatorTests.entry("x", target: "eth1")) == 500)
        await persistence.setFailure(nil)
        await datapath.setFailure(DatapathError(.failed, "map"))
        #expect(await status(MirrorValidatorTests.entry("x", target: "eth1")) == 500)
        await datapath.setFailure(nil)
        #expect(await datapath.attachments == before)
        #expect(try await persistence.loadMirrors().map(\.entry.mirrorIdent) == ["m1"])
        #expect(await store.count == 1)
    }

    @Test("a mirror of an existing name with other settings replaces it (as in loxilb)")
    func replace() async throws {
        let datapath = InMemoryMirrorDatapath(interfaces: Self.interfaces)
        let store = Self.make(datapath: datapath)
        try await store.add(MirrorValidatorTests.entry())
        try await store.add(MirrorValidatorTests.entry(target: "eth1"))
        #expect(
            await datapath.attachments
                == MirrorAttachments(ports: [3: MirrorTarget(id: 1, destination: .span(port: "eth2"), ifindex: 4)]))
    }

    @Test("restore installs the stored mirrors with their ids")
    func restore() async throws {
        let persistence = InMemoryMirrorConfigStore()
        try await persistence.saveMirror(StoredMirror(id: 4, entry: MirrorValidatorTests.entry()))
        let datapath = InMemoryMirrorDatapath(interfaces: Self.interfaces)
        let store = Self.make(persistence: persistence, datapath: datapath)
        #expect(try await store.restore() == 1)
        #expect(
            await datapath.attachments
                == MirrorAttachments(ports: [2: MirrorTarget(id: 4, destination: .span(port: "eth2"), ifindex: 4)]))
        try await store.add(MirrorValidatorTests.entry("n", target: "eth1"))
        #expect(try await persistence.loadMirrors().map(\.id) == [1, 4])
    }
}
