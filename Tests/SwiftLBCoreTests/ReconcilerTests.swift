import SwiftLBCore
import Testing

@Suite("Reconciler")
struct ReconcilerTests {
    let web = Fixtures.service(0, "10.0.0.1", 80)
    let dns = Fixtures.service(1, "10.0.0.2", 53)
    let api = Fixtures.service(
        2, "10.0.0.3", 443, sel: .hash, endpoints: [("10.0.3.1", 8443, 2), ("10.0.3.2", 8443, 1)])

    @Test("the plan removes stale slots first, then upserts new and changed services, in key order")
    func plan() {
        var changedDNS = dns
        changedDNS.endpoints.append(DatapathEndpoint(address: Fixtures.ip4("10.0.1.2"), port: 53, weight: 1))
        let stale = Fixtures.service(7, "10.0.0.9", 80)
        let operations = Reconciler.plan(desired: [api, changedDNS, web], programmed: [web, dns, stale])
        #expect(operations == [.remove(key: stale.key, id: 7), .upsert(changedDNS), .upsert(api)])
    }

    @Test("nothing to do when the datapath already matches, unless reprogramming is asked for")
    func planUnchanged() {
        #expect(Reconciler.plan(desired: [web, dns], programmed: [dns, web]).isEmpty)
        #expect(
            Reconciler.plan(desired: [dns, web], programmed: [web, dns], reprogramUnchanged: true)
                == [.upsert(web), .upsert(dns)])
    }

    @Test("a key that moved to another slot is removed from the old slot before the new upsert")
    func planMovedKey() {
        var moved = web
        moved.id = 5
        #expect(Reconciler.plan(desired: [moved], programmed: [web]) == [.remove(key: web.key, id: 0), .upsert(moved)])
    }

    @Test("reconcile drives the in-memory datapath to the desired state with minimal operations")
    func reconcile() async throws {
        let stale = Fixtures.service(9, "10.0.0.9", 9)
        let datapath = InMemoryDatapath(services: [web, stale])
        let reconciler = Reconciler(datapath: datapath)
        let applied = try await reconciler.reconcile(desired: [web, dns, api])
        #expect(
            applied.map(\.description) == [
                "remove 9 10.0.0.9:9/tcp", "upsert 1 10.0.0.2:53/tcp",
                "upsert 2 10.0.0.3:443/tcp",
            ])
        #expect(await datapath.log == applied.map(\.description))
        #expect(
            await datapath.dump() == """
                svc 0 10.0.0.1:80/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1]
                svc 1 10.0.0.2:53/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1]
                svc 2 10.0.0.3:443/tcp sel=hash mode=default eps=[10.0.3.1:8443 w2, 10.0.3.2:8443 w1]
                """)
        #expect(try await reconciler.reconcile(desired: [web, dns, api]).isEmpty)
        #expect(try await reconciler.reconcile(desired: []).count == 3)
        #expect(await datapath.dump() == "")
    }

    @Test("a failing datapath stops reconciliation, says where, and leaves the datapath as it was")
    func failure() async {
        let datapath = InMemoryDatapath()
        await datapath.failNext(.upsert)
        await #expect(
            throws: ReconcileError(
                operation: .upsert(web), applied: 0, reason: "injected failure of upsert; rolled back")
        ) {
            try await Reconciler(datapath: datapath).reconcile(desired: [web, dns])
        }
        #expect(await datapath.dump() == "")
        await datapath.failNext(.read)
        await #expect(throws: ReconcileError(operation: nil, applied: 0, reason: "injected failure of read")) {
            try await Reconciler(datapath: datapath).reconcile(desired: [web])
        }
    }

    @Test("a failure mid-apply rolls back the operations already applied, removals included")
    func failureMidApply() async throws {
        let stale = Fixtures.service(9, "10.0.0.9", 9)
        var oldDNS = dns
        oldDNS.endpoints = [DatapathEndpoint(address: Fixtures.ip4("10.0.9.9"), port: 53, weight: 1)]
        let datapath = InMemoryDatapath(services: [stale, oldDNS])
        let before = await datapath.dump()
        // remove 9, upsert web (keys in order), then the upsert of dns fails.
        await datapath.failNext(.upsert, after: 1)
        let reconciler = Reconciler(datapath: datapath)
        await #expect(throws: ReconcileError.self) { try await reconciler.reconcile(desired: [dns, web]) }
        #expect(await datapath.dump() == before)
        #expect(
            await datapath.log == [
                "remove 9 10.0.0.9:9/tcp", "upsert 0 10.0.0.1:80/tcp", "remove 0 10.0.0.1:80/tcp",
                "upsert 9 10.0.0.9:9/tcp",
            ])
        #expect(reconciler.applied == [1: oldDNS, 9: stale])
    }

    @Test("sync writes only what differs from what was applied; a health change is exactly one write")
    func syncWritesTheDifference() async throws {
        let datapath = InMemoryDatapath()
        let reconciler = Reconciler(datapath: datapath)
        try await reconciler.reconcile(desired: [web, api])
        let writes = await datapath.log.count
        #expect(try await reconciler.sync(web) == false)
        #expect(try await reconciler.sync(api) == false)
        var down = api
        down.endpoints[1].active = false
        #expect(try await reconciler.sync(down))
        #expect(await datapath.log.dropFirst(writes) == ["upsert 2 10.0.0.3:443/tcp"])
        #expect(try await datapath.programmedServices().last?.endpoints.map(\.active) == [true, false])
    }

    @Test("a failed sync keeps the old record, so the next sync retries the write")
    func failedSyncIsRetried() async throws {
        let datapath = InMemoryDatapath()
        let reconciler = Reconciler(datapath: datapath)
        try await reconciler.reconcile(desired: [api])
        var down = api
        down.endpoints[0].active = false
        await datapath.failNext(.upsert)
        await #expect(throws: DatapathError(InMemoryDatapathError.injected(.upsert))) {
            try await reconciler.sync(down)
        }
        #expect(reconciler.applied[2] == api)
        #expect(try await reconciler.sync(down))
        #expect(try await datapath.programmedServices() == [down])
    }

    @Test("a batch rolls back every write and retire since begin, in the right order")
    func batchRollback() async throws {
        let datapath = InMemoryDatapath()
        let reconciler = Reconciler(datapath: datapath)
        try await reconciler.reconcile(desired: [web, dns])
        let before = await datapath.dump()
        reconciler.begin()
        var changedWeb = web
        changedWeb.endpoints[0].weight = 7
        try await reconciler.sync(changedWeb)
        try await reconciler.retire([(key: dns.key, id: dns.id)])
        // The deleted key comes back under another id in the same batch.
        var movedDNS = dns
        movedDNS.id = 5
        try await reconciler.sync(movedDNS)
        try await reconciler.sync(api)
        #expect(await reconciler.rollback() == nil)
        #expect(await datapath.dump() == before)
        #expect(reconciler.applied == [0: web, 1: dns])
        // After the rollback a new batch starts clean: its commit keeps its writes.
        reconciler.begin()
        try await reconciler.sync(api)
        reconciler.commit()
        #expect(await reconciler.rollback() == nil)
        #expect(reconciler.applied[2] == api)
    }
}

@Suite("InMemoryDatapath")
struct InMemoryDatapathTests {
    @Test("refuses slot and key clashes and out-of-range ids")
    func strictness() async throws {
        let datapath = InMemoryDatapath()
        try await datapath.upsert(Fixtures.service(0, "10.0.0.1", 80))
        await #expect(throws: DatapathError(InMemoryDatapathError.idInUse(0, by: Fixtures.key("10.0.0.1", 80)))) {
            try await datapath.upsert(Fixtures.service(0, "10.0.0.2", 80))
        }
        await #expect(throws: DatapathError(InMemoryDatapathError.keyInUse(Fixtures.key("10.0.0.1", 80), byID: 0))) {
            try await datapath.upsert(Fixtures.service(1, "10.0.0.1", 80))
        }
        await #expect(throws: DatapathError(InMemoryDatapathError.idOutOfRange(UInt32(Limits.maxServices)))) {
            try await datapath.upsert(Fixtures.service(UInt32(Limits.maxServices), "10.0.0.3", 80))
        }
        // Removing with a key that does not hold the slot leaves it alone.
        try await datapath.remove(key: Fixtures.key("10.0.0.9", 80), id: 0)
        #expect(await datapath.dump() == "svc 0 10.0.0.1:80/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1]")
    }

    @Test("counters and connections are reported as set")
    func readings() async throws {
        let datapath = InMemoryDatapath(services: [Fixtures.service(3, "10.0.0.1", 80)])
        await datapath.setServiceCounters(Counters(packets: 5, bytes: 600), id: 3)
        await datapath.setEndpointCounters([Counters(packets: 1, bytes: 2)], id: 3)
        #expect(try await datapath.serviceCounters(id: 3) == Counters(packets: 5, bytes: 600))
        #expect(try await datapath.serviceCounters(id: 4) == .zero)
        #expect(try await datapath.endpointCounters(id: 3, count: 2) == [Counters(packets: 1, bytes: 2), .zero])
        #expect(try await datapath.connections().isEmpty)
        await datapath.failNext()
        await #expect(throws: DatapathError(InMemoryDatapathError.injected(.read))) { try await datapath.connections() }
        #expect(try await datapath.connections().isEmpty)
    }

    @Test("dump shows a non-default idle timeout")
    func dumpTimeout() async throws {
        var service = Fixtures.service(2, "10.0.0.1", 80)
        service.inactiveTimeout = 30
        let datapath = InMemoryDatapath(services: [service])
        #expect(await datapath.dump() == "svc 2 10.0.0.1:80/tcp sel=rr mode=default timeout=30 eps=[10.0.1.1:8080 w1]")
    }
}
