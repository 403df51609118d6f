import Synchronization
import Testing

@testable import SwiftLBCore

/// A config store whose batch commits wait at a gate the test opens, so that the changes arriving
/// meanwhile form the next batch (group commit) and nothing can be answered before its commit.
actor GatedConfigStore: ConfigStore {
    let inner = InMemoryConfigStore()
    private var closed = true
    private var waitingCommit: CheckedContinuation<Void, Never>?
    private var arrivals: [CheckedContinuation<Void, Never>] = []
    /// Saves and deletes of each commit that reached the gate, in order.
    private(set) var batches: [(saved: [ServiceKey], deleted: [ServiceKey])] = []

    func loadAll() async throws(ConfigStoreError) -> [ConfigRecord] { try await inner.loadAll() }
    func save(_ record: ConfigRecord) async throws(ConfigStoreError) { try await inner.save(record) }
    func delete(key: ServiceKey) async throws(ConfigStoreError) { try await inner.delete(key: key) }
    func delete(keys: [ServiceKey]) async throws(ConfigStoreError) { try await inner.delete(keys: keys) }
    func replaceAll(with records: [ConfigRecord]) async throws(ConfigStoreError) {
        try await inner.replaceAll(with: records)
    }

    func commit(saving: [ConfigRecord], deleting: [ServiceKey]) async throws(ConfigStoreError) {
        batches.append((saving.map(\.key), deleting))
        for arrival in arrivals { arrival.resume() }
        arrivals.removeAll()
        if closed { await withCheckedContinuation { waitingCommit = $0 } }
        try await inner.commit(saving: saving, deleting: deleting)
    }

    /// Waits until `count` commits have reached the gate.
    func waitForCommits(_ count: Int) async {
        while batches.count < count { await withCheckedContinuation { arrivals.append($0) } }
    }

    /// Lets the waiting commit (and every later one) through.
    func open() {
        closed = false
        waitingCommit?.resume()
        waitingCommit = nil
    }
}

@Suite("RuleStore group commit")
struct RuleStoreBatchTests {
    let config = GatedConfigStore()
    let datapath = InMemoryDatapath()
    let store: RuleStore

    init() {
        store = RuleStore(
            config: config, datapath: datapath, logger: Fixtures.logger, maxServices: Limits.maxServices,
            maxEndpoints: Limits.maxEndpointsPerService, purgeDelay: .seconds(3600))
    }

    /// Set once a request has its answer.
    final class Answered: Sendable {
        let flag = Mutex(false)
        var value: Bool { flag.withLock { $0 } }
    }

    /// Starts a create of 10.0.0.`host` and returns the task and a flag set when it is answered.
    func startCreate(_ host: Int, name: String = "") -> (Task<APIError?, Never>, Answered) {
        let answered = Answered()
        let store = store
        let task = Task { () -> APIError? in
            defer { answered.flag.withLock { $0 = true } }
            do throws(APIError) {
                try await store.create(Fixtures.entry("10.0.0.\(host)", name: name))
                return nil
            } catch {
                return error
            }
        }
        return (task, answered)
    }

    /// Waits (bounded) until the store has `count` changes queued behind the running batch.
    func waitForQueued(_ count: Int) async throws {
        for _ in 0..<2000 where await store.pending.count < count { try await Task.sleep(for: .milliseconds(1)) }
        #expect(await store.pending.count == count)
    }

    @Test("changes that arrive during a commit share the next one, and none is answered before its commit")
    func concurrentCreatesShareOneCommit() async throws {
        let (first, firstAnswered) = startCreate(1)
        await config.waitForCommits(1)
        var rest: [(Task<APIError?, Never>, Answered)] = []
        for host in 2...8 { rest.append(startCreate(host)) }
        try await waitForQueued(7)
        // Programmed, not yet durable: nobody has an answer.
        #expect(await datapath.dump().split(separator: "\n").count == 1)
        #expect(firstAnswered.value == false)
        #expect(try await config.inner.loadAll().isEmpty)
        await config.open()
        #expect(await first.value == nil)
        for (task, _) in rest { #expect(await task.value == nil) }
        let batches = await config.batches
        #expect(batches.count == 2)
        #expect(batches.map(\.saved.count) == [1, 7])
        #expect(try await config.inner.loadAll().count == 8)
        #expect(await config.inner.commitCount == 2)
    }

    @Test("a failed commit fails every change of its batch and undoes their datapath writes")
    func failedCommitFailsTheWholeBatch() async throws {
        let (first, _) = startCreate(1)
        await config.waitForCommits(1)
        let rest = (2...4).map { startCreate($0) }
        try await waitForQueued(3)
        await config.inner.failNextWrites(1)  // the first commit
        await config.open()
        #expect(await first.value?.status == 500)
        for (task, _) in rest { #expect(await task.value == nil) }
        #expect(try await config.inner.loadAll().map(\.key.vip.description) == ["10.0.0.2", "10.0.0.3", "10.0.0.4"])
        #expect(!(await datapath.dump().contains("10.0.0.1:")))
        #expect(await store.list().count == 3)
    }

    @Test("one bad change of a batch fails alone")
    func oneBadChangeFailsAlone() async throws {
        let (first, _) = startCreate(1, name: "web")
        await config.waitForCommits(1)
        let clash = startCreate(1, name: "api")  // 10.0.0.1 exists under another name
        let fine = startCreate(3)
        try await waitForQueued(2)
        await config.open()
        #expect(await first.value == nil)
        #expect(await clash.0.value?.status == 409)
        #expect(await fine.0.value == nil)
        #expect(try await config.inner.loadAll().map(\.key.vip.description) == ["10.0.0.1", "10.0.0.3"])
    }

    @Test("a delete and a create in one batch: the new rule does not get the deleted rule's id")
    func deleteThenCreateInOneBatch() async throws {
        await config.open()
        try await store.create(Fixtures.entry("10.0.0.1"))
        try await store.create(Fixtures.entry("10.0.0.2"))
        await datapath.setConnections([
            ConnectionEntry(
                proto: .tcp, clientAddress: Fixtures.ip4("10.9.0.1"), clientPort: 40000,
                serviceAddress: Fixtures.ip4("10.0.0.1"), servicePort: 80, endpointAddress: Fixtures.ip4("10.0.1.1"),
                endpointPort: 8080, state: "est", serviceID: 0, counters: .zero)
        ])
        try await store.delete(.service(externalIP: "10.0.0.1", port: 80, portMax: nil, proto: "tcp", hostURL: nil))
        try await store.create(Fixtures.entry("10.0.0.3"))
        #expect(try await config.inner.loadAll().map(\.serviceID) == [1, 2])
        // The deleted rule's flows go with the purge; then its id is free again.
        #expect(try await datapath.connections().count == 1)
        await store.purgeRetiredNow()
        #expect(try await datapath.connections().isEmpty)
        try await store.create(Fixtures.entry("10.0.0.4"))
        #expect(try await config.inner.loadAll().map(\.serviceID) == [1, 2, 0])
    }
}

@Suite("Quarantined ids across an import")
struct ImportQuarantineTests {
    @Test("an import right after a delete does not give the deleted rule's id to a new rule")
    func importKeepsTheQuarantine() async throws {
        let harness = Harness()
        let (config, datapath, store) = (harness.config, harness.datapath, harness.store)
        try await store.create(Fixtures.entry("10.0.0.1"))
        try await store.create(Fixtures.entry("10.0.0.2"))
        try await store.delete(.service(externalIP: "10.0.0.1", port: 80, portMax: nil, proto: "tcp", hostURL: nil))
        _ = try await store.replaceAll(with: [Fixtures.entry("10.0.0.2"), Fixtures.entry("10.0.0.3")])
        #expect(try await config.loadAll().map(\.serviceID) == [1, 2])
        await store.purgeRetiredNow()
        #expect(await datapath.purgedIDs == [0])
        try await store.create(Fixtures.entry("10.0.0.4"))
        #expect(try await config.loadAll().map(\.serviceID) == [1, 2, 0])
    }
}

@Suite("Start-up while the datapath loads")
struct DeferredStartTests {
    @Test("reads answer from the stored rules at once; writes and readiness wait for the datapath")
    func readsBeforeTheDatapathLoads() async throws {
        let config = InMemoryConfigStore(records: [
            ConfigRecord(key: Fixtures.key("10.0.0.1", 80), serviceID: 0, entry: Fixtures.entry("10.0.0.1"))
        ])
        let deferred = DeferredDatapath()
        let store = RuleStore(config: config, datapath: deferred, logger: Fixtures.logger)
        try await store.restoreTable()
        #expect(await store.list().map(\.serviceArguments.externalIP) == ["10.0.0.1"])
        #expect(await store.isReady == false)
        let write = Task { try await store.create(Fixtures.entry("10.0.0.2")) }
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await config.loadAll().count == 1)  // the write waits for the datapath
        let kernel = InMemoryDatapath()
        deferred.resolve(kernel)
        try await store.programRestored()
        try await write.value
        #expect(await store.isReady)
        #expect(await kernel.dump().split(separator: "\n").count == 2)
        #expect(try await config.loadAll().count == 2)
    }

    @Test("a datapath that fails to load fails the calls waiting for it")
    func failedLoadFailsWaiters() async throws {
        let deferred = DeferredDatapath()
        let waiting = Task { try await deferred.programmedServices() }
        deferred.fail(InMemoryDatapathError.injected(.any))
        let unavailable = DatapathError(.unavailable, "the datapath could not be loaded: injected failure of any")
        await #expect(throws: unavailable) { try await waiting.value }
        await #expect(throws: unavailable) { try await deferred.packetCounters() }
    }
}

@Suite("Restart purge")
struct RestartPurgeTests {
    static func connection(_ vip: String, id: UInt32) -> ConnectionEntry {
        ConnectionEntry(
            proto: .tcp, clientAddress: Fixtures.ip4("10.9.0.1"), clientPort: 40000,
            serviceAddress: Fixtures.ip4(vip), servicePort: 80, endpointAddress: Fixtures.ip4("10.0.1.1"),
            endpointPort: 8080, state: "est", serviceID: id, counters: .zero)
    }

    @Test("a restart deletes the flows of every id no stored rule uses, naming the used ids only")
    func restartPurgesUnusedIDs() async throws {
        let first = Harness()
        try await first.store.create(Fixtures.entry("10.0.0.1"))
        try await first.store.create(Fixtures.entry("10.0.0.2"))
        try await first.store.delete(
            .service(externalIP: "10.0.0.1", port: 80, portMax: nil, proto: "tcp", hostURL: nil))
        // The daemon died before the shared purge: id 0's flow is still tracked.
        await first.datapath.setConnections([Self.connection("10.0.0.1", id: 0), Self.connection("10.0.0.2", id: 1)])
        let restarted = Harness(config: first.config, datapath: first.datapath)
        try await restarted.store.restore()
        #expect(await restarted.datapath.keptByPurges == [[1]])
        #expect(try await restarted.datapath.connections().map(\.serviceID) == [1])
    }
}

@Suite("Probe targets follow monitored rules only")
struct MonitoredVersionTests {
    @Test("creating and deleting unmonitored rules leaves the probe targets' version alone; a monitored one moves it")
    func unmonitoredChangesDoNotInvalidate() async throws {
        let store = Harness().store
        for last in 1...20 { try await store.create(Fixtures.entry("10.0.0.\(last)")) }
        try await store.delete(.service(externalIP: "10.0.0.1", port: 80, portMax: nil, proto: "tcp", hostURL: nil))
        #expect(await store.table.monitoredVersion == 0)
        var monitored = Fixtures.entry("10.0.1.1")
        monitored.serviceArguments.monitor = true
        try await store.create(monitored)
        #expect(await store.table.monitoredVersion == 1)
        #expect(await store.probeTargets().map(\.key) == ["10.0.1.1_tcp_8080"])
        try await store.delete(.service(externalIP: "10.0.1.1", port: 80, portMax: nil, proto: "tcp", hostURL: nil))
        #expect(await store.table.monitoredVersion == 2)
        #expect(await store.probeTargets().isEmpty)
    }
}
