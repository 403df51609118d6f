import Testing

@testable import SwiftLBKube

/// A watch whose connection stays silent past its timeout (a peer gone without closing) is cut.
@Suite(.timeLimit(.minutes(1))) struct WatchDeadlineTests {
    @Test func silentWatchIsCutAfterItsTimeoutAndGrace() async throws {
        try await FakeAPIServer.with { server in
            await server.state.script(watches: [
                .stream([KubeFixtures.event("ADDED", KubeFixtures.service("a", resourceVersion: "2"))], end: .hold)
            ])
            let client = try KubeClient(
                config: KubeConfig(server: server.url), logger: .init(label: "test"), watchGrace: .milliseconds(300))
            let clock = ContinuousClock()
            let start = clock.now
            var events = 0
            do {
                for try await _ in client.watch(Service.self, resourceVersion: "1", timeoutSeconds: 1) { events += 1 }
                Issue.record("the watch ended without an error")
            } catch {
                guard case .transport(let message) = error as? KubeError else {
                    Issue.record("expected a transport error, got \(error)")
                    return
                }
                #expect(message.contains("no complete answer within"))
            }
            let elapsed = clock.now - start
            await client.shutdown()
            #expect(events == 1)
            // Not before its timeout and grace; that it was cut at all, the error says (no upper
            // bound: a busy machine can stall a test for seconds).
            #expect(elapsed >= .milliseconds(1300))
        }
    }
}
