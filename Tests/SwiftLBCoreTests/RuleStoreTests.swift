import Testing

@testable import SwiftLBCore

/// A RuleStore over in-memory fakes, with the fakes at hand.
struct Harness {
    let config: InMemoryConfigStore
    let datapath: InMemoryDatapath
    let store: RuleStore

    init(
        config: InMemoryConfigStore = InMemoryConfigStore(), datapath: InMemoryDatapath = InMemoryDatapath(),
        maxServices: Int = Limits.maxServices
    ) {
        self.config = config
        self.datapath = datapath
        store = RuleStore(
            config: config, datapath: datapath, logger: Fixtures.logger, maxServices: maxServices,
            maxEndpoints: Limits.maxEndpointsPerService, purgeDelay: .seconds(3600))
    }

    /// A new RuleStore over the same config, as after a daemon restart.
    func restarted(datapath: InMemoryDatapath = InMemoryDatapath()) -> Harness {
        Harness(config: config, datapath: datapath)
    }

    func names() async -> [String] { await store.list().map(\.serviceArguments.name) }
    func ips() async -> [String] { await store.list().map(\.serviceArguments.externalIP) }
}

@Suite("RuleStore")
struct RuleStoreTests {
    @Test("create programs the datapath, persists, and lists the normalized entry with state and counters")
    func create() async throws {
        let harness = Harness()
        try await harness.store.create(
            Fixtures.entry(name: "web", endpoints: [("10.0.1.2", 0, 2), ("10.0.1.1", 8080, 0)]))
        #expect(
            await harness.datapath.dump()
                == "svc 0 10.0.0.1:80/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1, 10.0.1.2:80 w2]")
        await harness.datapath.setEndpointCounters(
            [Counters(packets: 3, bytes: 180), Counters(packets: 4, bytes: 240)], id: 0)
        let listed = await harness.store.list()
        #expect(listed.count == 1)
        #expect(listed.first?.serviceArguments.name == "web")
        #expect(
            listed.first?.endpoints == [
                LBEndpoint(endpointIP: "10.0.1.1", targetPort: 8080, weight: 1, state: "active", counter: "3:180"),
                LBEndpoint(endpointIP: "10.0.1.2", targetPort: 80, weight: 2, state: "active", counter: "4:240"),
            ])
        let stored = try await harness.config.loadAll()
        #expect(stored.map(\.key) == [Fixtures.key("10.0.0.1", 80)])
        #expect(stored.map(\.serviceID) == [0])
        #expect(stored.first?.entry.endpoints.map(\.counter) == ["", ""])
    }

    @Test("listing still succeeds when counters cannot be read")
    func listWithoutCounters() async throws {
        let harness = Harness()
        try await harness.store.create(Fixtures.entry())
        await harness.datapath.failNext(.read)
        let listed = await harness.store.list()
        #expect(listed.first?.endpoints.map(\.counter) == [""])
        #expect(listed.first?.endpoints.map(\.state) == ["active"])
        #expect(await Harness().store.list().isEmpty)
    }

    @Test("posting the same rule again changes nothing; new endpoints update it in place")
    func update() async throws {
        let harness = Harness()
        try await harness.store.create(Fixtures.entry("10.0.0.1", name: "web"))
        try await harness.store.create(Fixtures.entry("10.0.0.2"))
        try await harness.store.create(Fixtures.entry("10.0.0.1", name: "web"))
        #expect(await harness.datapath.log == ["upsert 0 10.0.0.1:80/tcp", "upsert 1 10.0.0.2:80/tcp"])
        #expect(await harness.config.writeCount == 2)

        try await harness.store.create(Fixtures.entry("10.0.0.1", name: "web", endpoints: [("10.0.9.9", 80, 4)]))
        #expect(
            await harness.datapath.dump() == """
                svc 0 10.0.0.1:80/tcp sel=rr mode=default eps=[10.0.9.9:80 w4]
                svc 1 10.0.0.2:80/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1]
                """)
        #expect(try await harness.config.loadAll().first?.entry.endpoints.map(\.endpointIP) == ["10.0.9.9"])
        #expect(await harness.store.list().first?.endpoints.map(\.endpointIP) == ["10.0.9.9"])
    }

    @Test("a different algorithm or name on an existing key is a 409 naming the fields")
    func conflicts() async throws {
        let harness = Harness()
        try await harness.store.create(Fixtures.entry(name: "web"))
        let sel = await apiError { try await harness.store.create(Fixtures.entry(sel: 1, name: "web")) }
        #expect(sel?.status == 409)
        #expect(sel?.fields == ["serviceArguments.sel"])
        #expect(sel?.message.contains("sel rr (requested hash)") == true)
        let both = await apiError { try await harness.store.create(Fixtures.entry(sel: 1, name: "api")) }
        #expect(both?.fields == ["serviceArguments.sel", "serviceArguments.name"])
        #expect(await harness.datapath.log == ["upsert 0 10.0.0.1:80/tcp"])
    }

    @Test("rules may share a name, as in loxilb (one per port of a Kubernetes Service); delete by name removes all")
    func sharedName() async throws {
        let harness = Harness()
        try await harness.store.create(Fixtures.entry("10.0.0.1", name: "web"))
        try await harness.store.create(Fixtures.entry("10.0.0.2", name: "web"))
        try await harness.store.create(Fixtures.entry("10.0.0.3", name: "api"))
        try await harness.store.create(Fixtures.entry("10.0.0.4"))
        #expect(await harness.ips() == ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"])
        try await harness.store.delete(.name("web"))
        #expect(await harness.ips() == ["10.0.0.3", "10.0.0.4"])
    }

    @Test("an invalid entry is refused before anything is touched")
    func invalidTouchesNothing() async {
        let harness = Harness()
        let error = await apiError { try await harness.store.create(Fixtures.entry(port: 0)) }
        #expect(error?.status == 400)
        #expect(await harness.datapath.log.isEmpty)
        #expect(await harness.config.writeCount == 0)
    }

    @Test(
        "delete by each form of service selector",
        arguments: [
            RuleSelector.service(externalIP: "10.0.0.1", port: 80, portMax: nil, proto: "tcp", hostURL: nil),
            .service(externalIP: "10.0.0.1", port: 80, portMax: 0, proto: "TCP", hostURL: "any"),
            .service(externalIP: "10.0.0.1", port: 80, portMax: 80, proto: "tcp", hostURL: ""),
            .name("web"),
        ])
    func deleteBySelector(_ selector: RuleSelector) async throws {
        let harness = Harness()
        try await harness.store.create(Fixtures.entry("10.0.0.1", name: "web"))
        try await harness.store.create(Fixtures.entry("10.0.0.1", proto: "udp"))
        try await harness.store.delete(selector)
        #expect(await harness.datapath.dump() == "svc 1 10.0.0.1:80/udp sel=rr mode=default eps=[10.0.1.1:8080 w1]")
        #expect(try await harness.config.loadAll().map(\.key) == [Fixtures.key("10.0.0.1", 80, .udp)])
        #expect(await harness.store.list().map(\.serviceArguments.protocol) == ["udp"])
    }

    @Test(
        "selectors that match nothing are 404; malformed ones are 400 naming the parameter",
        arguments: [
            (RuleSelector.service(externalIP: "10.0.0.9", port: 80, portMax: nil, proto: "tcp", hostURL: nil), 404, ""),
            (.service(externalIP: "10.0.0.1", port: 81, portMax: nil, proto: "tcp", hostURL: nil), 404, ""),
            (.service(externalIP: "10.0.0.1", port: 80, portMax: nil, proto: "sctp", hostURL: nil), 404, ""),
            (.service(externalIP: "10.0.0.1", port: 80, portMax: 90, proto: "tcp", hostURL: nil), 404, ""),
            (.service(externalIP: "10.0.0.1", port: 80, portMax: nil, proto: "tcp", hostURL: "a.com"), 404, ""),
            (.name("nope"), 404, ""),
            (.service(externalIP: "10.0.0", port: 80, portMax: nil, proto: "tcp", hostURL: nil), 400, "ip_address"),
            (.service(externalIP: "10.0.0.1", port: 80, portMax: nil, proto: "gre", hostURL: nil), 400, "proto"),
            (.service(externalIP: "10.0.0.1", port: 70000, portMax: nil, proto: "tcp", hostURL: nil), 400, "port"),
            (.name(""), 400, "lb_name"),
        ])
    func deleteMisses(selector: RuleSelector, status: Int, field: String) async throws {
        let harness = Harness()
        try await harness.store.create(Fixtures.entry("10.0.0.1", name: "web"))
        let error = await apiError { try await harness.store.delete(selector) }
        #expect(error?.status == status)
        #expect(error?.fields == (field.isEmpty ? [] : [field]))
        #expect(await harness.ips() == ["10.0.0.1"])
    }

    @Test("deleteAll removes everything and succeeds on an empty store")
    func deleteAll() async throws {
        let harness = Harness()
        try await harness.store.deleteAll()
        for host in 1...3 { try await harness.store.create(Fixtures.entry("10.0.0.\(host)")) }
        try await harness.store.deleteAll()
        #expect(await harness.datapath.dump() == "")
        #expect(try await harness.config.loadAll().isEmpty)
        #expect(await harness.store.list().isEmpty)
    }

    @Test("ids are the lowest free slot, stable across updates, and reused after delete once their flows are purged")
    func idAllocation() async throws {
        let harness = Harness()
        for host in 1...3 { try await harness.store.create(Fixtures.entry("10.0.0.\(host)")) }
        try await harness.store.delete(
            .service(externalIP: "10.0.0.2", port: 80, portMax: nil, proto: "tcp", hostURL: nil))
        try await harness.store.create(Fixtures.entry("10.0.0.3", endpoints: [("10.0.5.5", 80, 1)]))
        // Id 1's flows are still tracked: a new rule must not inherit them.
        try await harness.store.create(Fixtures.entry("10.0.0.5"))
        #expect(try await harness.config.loadAll().map(\.serviceID) == [0, 2, 3])
        #expect(await harness.datapath.purgedIDs == [])
        await harness.store.purgeRetiredNow()
        #expect(await harness.datapath.purgedIDs == [1])
        try await harness.store.delete(
            .service(externalIP: "10.0.0.5", port: 80, portMax: nil, proto: "tcp", hostURL: nil))
        try await harness.store.create(Fixtures.entry("10.0.0.4"))
        #expect(
            await harness.datapath.dump() == """
                svc 0 10.0.0.1:80/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1]
                svc 2 10.0.0.3:80/tcp sel=rr mode=default eps=[10.0.5.5:80 w1]
                svc 1 10.0.0.4:80/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1]
                """)
        #expect(try await harness.config.loadAll().map(\.serviceID) == [0, 2, 1])
    }

    @Test("a full service table is a 507 that changes nothing")
    func serviceLimit() async throws {
        let harness = Harness(maxServices: 2)
        try await harness.store.create(Fixtures.entry("10.0.0.1"))
        try await harness.store.create(Fixtures.entry("10.0.0.2"))
        let error = await apiError { try await harness.store.create(Fixtures.entry("10.0.0.3")) }
        #expect(error?.status == 507)
        #expect(error?.message.contains("all 2 service slots are in use") == true)
        // Updating an existing rule needs no new slot.
        try await harness.store.create(Fixtures.entry("10.0.0.2", endpoints: [("10.0.7.7", 80, 1)]))
        #expect(await harness.ips() == ["10.0.0.1", "10.0.0.2"])
    }

    @Test("concurrent creates get distinct slots")
    func concurrentCreates() async throws {
        let harness = Harness()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for host in 1...20 {
                group.addTask { try await harness.store.create(Fixtures.entry("10.0.1.\(host)")) }
            }
            try await group.waitForAll()
        }
        let ids = try await harness.config.loadAll().map(\.serviceID)
        #expect(Set(ids) == Set(0..<20))
        #expect(try await harness.datapath.programmedServices().count == 20)
    }

    @Test("connections carry rule names and loxilb's action text, sorted")
    func connections() async throws {
        let harness = Harness()
        try await harness.store.create(Fixtures.entry("10.0.0.1", name: "web"))
        try await harness.store.create(Fixtures.entry("10.0.0.2"))
        #expect(try await harness.store.connections().isEmpty)
        func connection(_ vip: String, client: UInt16, id: UInt32) -> ConnectionEntry {
            ConnectionEntry(
                proto: .tcp, clientAddress: Fixtures.ip4("192.168.0.7"), clientPort: client,
                serviceAddress: Fixtures.ip4(vip), servicePort: 80, endpointAddress: Fixtures.ip4("10.0.1.1"),
                endpointPort: 8080, state: "est", serviceID: id, counters: Counters(packets: 9, bytes: 900))
        }
        await harness.datapath.setConnections([
            connection("10.0.0.2", client: 1000, id: 1), connection("10.0.0.1", client: 2000, id: 0),
            connection("10.0.0.1", client: 1500, id: 0),
        ])
        let listed = try await harness.store.connections()
        #expect(listed.map(\.sourcePort) == [1500, 2000, 1000])
        #expect(listed.map(\.servName) == ["web", "web", ""])
        #expect(
            listed.first
                == ConntrackEntry(
                    destinationIP: "10.0.0.1", sourceIP: "192.168.0.7", destinationPort: 80, sourcePort: 1500,
                    protocol: "tcp", conntrackState: "est", ident: "", conntrackAct: "dnat-10.0.1.1:8080",
                    packets: 9, bytes: 900, servName: "web"))
        await harness.datapath.failNext(.read)
        let error = await apiError { _ = try await harness.store.connections() }
        #expect(error?.status == 503)
    }
}
