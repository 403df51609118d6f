import Testing

@testable import SwiftLBCore

@Suite("ChangeSignal: subsystems react to rule changes, not to a timer")
struct ChangeSignalTests {
    @Test("a change signalled before the wait is kept; several count as one")
    func pendingChangeIsKept() async {
        let signal = ChangeSignal()
        signal.notify()
        signal.notify()
        #expect(await signal.wait(timeout: .seconds(30)))
        #expect(await signal.wait(timeout: .milliseconds(20)) == false)
    }

    @Test("a change during the wait ends it")
    func changeEndsTheWait() async {
        let signal = ChangeSignal()
        let waiting = Task { await signal.wait(timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(20))
        signal.notify()
        #expect(await waiting.value)
    }

    @Test("creates, deletes and health changes signal; a refused create does not")
    func theRuleStoreSignals() async throws {
        let store = Harness().store
        try await store.create(Fixtures.entry("10.0.0.1", endpoints: [("10.0.1.1", 8080, 1), ("10.0.1.2", 8080, 1)]))
        #expect(await store.changes.wait(timeout: .seconds(30)))
        _ = try? await store.create(Fixtures.entry("10.0.0.1", port: 0))
        #expect(await store.changes.wait(timeout: .milliseconds(20)) == false)
        try await store.setHostState(EndPointHostState(hostName: "10.0.1.2", state: "red"))
        #expect(await store.changes.wait(timeout: .seconds(30)))
        try await store.delete(.service(externalIP: "10.0.0.1", port: 80, portMax: nil, proto: "tcp", hostURL: nil))
        #expect(await store.changes.wait(timeout: .seconds(30)))
    }
}
