import Testing

@testable import SwiftLBCore

@Suite("StateFeed: subsystems follow the desired state's versions, not a timer")
struct StateFeedTests {
    @Test("a version published before the wait ends it at once; several count as one")
    func publishedBeforeTheWait() async {
        let feed = StateFeed()
        feed.publish()
        feed.publish()
        #expect(await feed.next(after: 0, timeout: .seconds(30)) == 2)
        #expect(await feed.next(after: 2, timeout: .milliseconds(20)) == 2)
    }

    @Test("every subscriber is woken by one publication")
    func everySubscriberWakes() async {
        let feed = StateFeed()
        let first = Task { await feed.next(after: 0) }
        let second = Task { await feed.next(after: 0) }
        try? await Task.sleep(for: .milliseconds(20))
        feed.publish()
        #expect(await first.value == 1)
        #expect(await second.value == 1)
    }

    @Test("a cancelled wait returns")
    func cancelledWaitReturns() async {
        let feed = StateFeed()
        let waiting = Task { await feed.next(after: 0) }
        try? await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        #expect(await waiting.value == 0)
    }

    @Test("creates, deletes, health and endpoint entries publish; a refused create does not")
    func theRuleStorePublishes() async throws {
        let store = Harness().store
        let feed = store.feed
        try await store.create(Fixtures.entry("10.0.0.1", endpoints: [("10.0.1.1", 8080, 1), ("10.0.1.2", 8080, 1)]))
        let created = await feed.next(after: 0, timeout: .seconds(30))
        #expect(created >= 1)
        #expect(await store.desiredState().version == created)
        _ = try? await store.create(Fixtures.entry("10.0.0.1", port: 0))
        #expect(await feed.next(after: created, timeout: .milliseconds(20)) == created)
        try await store.setHostState(EndPointHostState(hostName: "10.0.1.2", state: "red"))
        let marked = await feed.next(after: created, timeout: .seconds(30))
        #expect(marked > created)
        #expect(await store.desiredState().rules.first?.endpoints.map(\.active) == [true, false])
        try await store.delete(.service(externalIP: "10.0.0.1", port: 80, portMax: nil, proto: "tcp", hostURL: nil))
        #expect(await feed.next(after: marked, timeout: .seconds(30)) > marked)
        #expect(await store.desiredState().rules.isEmpty)
    }
}
