import Testing

@testable import SwiftLBCore

/// loxilb's `oper` 1 (attach) and 2 (detach) through the RuleStore.
@Suite("Endpoint attach and detach")
struct EndpointOperationTests {
    static func request(oper: Int, _ endpoints: [(String, Int, Int)], sel: Int = 1) -> LoadBalancerEntry {
        var entry = Fixtures.entry(sel: sel, name: "web", endpoints: endpoints)
        entry.serviceArguments.oper = oper
        return entry
    }

    @Test("attach adds endpoints and updates weights; detach removes only the named ones; both persist")
    func attachDetach() async throws {
        let harness = Harness()
        try await harness.store.create(Self.request(oper: 0, [("10.0.1.1", 8080, 1), ("10.0.1.2", 8080, 1)]))
        try await harness.store.create(Self.request(oper: 1, [("10.0.1.3", 8080, 2), ("10.0.1.1", 8080, 4)]))
        #expect(
            await harness.datapath.dump()
                == "svc 0 10.0.0.1:80/tcp sel=hash mode=default eps=[10.0.1.1:8080 w4, 10.0.1.2:8080 w1, "
                + "10.0.1.3:8080 w2]")
        try await harness.store.create(Self.request(oper: 2, [("10.0.1.2", 8080, 0)]))
        #expect(
            await harness.datapath.dump()
                == "svc 0 10.0.0.1:80/tcp sel=hash mode=default eps=[10.0.1.1:8080 w4, 10.0.1.3:8080 w2]")
        let stored = try await harness.config.loadAll()
        #expect(stored.count == 1)
        #expect(stored.first?.entry.serviceArguments.oper == 0)
        #expect(stored.first?.entry.endpoints.map(\.endpointIP) == ["10.0.1.1", "10.0.1.3"])
        // After a restart the merged rule is what comes back.
        let restarted = harness.restarted()
        try await restarted.store.restore()
        #expect(await restarted.datapath.dump() == (await harness.datapath.dump()))
    }

    @Test("attach to a missing rule creates it; detach from a missing rule is a 404")
    func missingRule() async throws {
        let harness = Harness()
        try await harness.store.create(Self.request(oper: 1, [("10.0.1.1", 8080, 1)]))
        #expect(await harness.ips() == ["10.0.0.1"])
        let error = await apiError {
            try await harness.store.create(
                Self.request(oper: 2, [("10.0.1.1", 8080, 1)]).with { $0.serviceArguments.externalIP = "10.0.0.9" })
        }
        #expect(error?.status == 404)
    }

    @Test("detaching every endpoint is a 400 naming endpoints; detaching an absent one changes nothing")
    func detachAll() async throws {
        let harness = Harness()
        try await harness.store.create(Self.request(oper: 0, [("10.0.1.1", 8080, 1)]))
        let before = await harness.datapath.dump()
        let error = await apiError { try await harness.store.create(Self.request(oper: 2, [("10.0.1.1", 8080, 1)])) }
        #expect(error?.status == 400)
        #expect(error?.fields == ["endpoints"])
        try await harness.store.create(Self.request(oper: 2, [("10.0.1.9", 8080, 1)]))
        #expect(await harness.datapath.dump() == before)
    }
}

extension LoadBalancerEntry {
    func with(_ change: (inout LoadBalancerEntry) -> Void) -> LoadBalancerEntry {
        var copy = self
        change(&copy)
        return copy
    }
}
