import SwiftLBKube
import Testing

/// A list-watcher whose lists are empty and whose watches all fail at once with `failure`.
actor FailingWatches: KubeListWatching {
    let failure: KubeError
    private(set) var lists = 0
    private(set) var watches = 0

    init(failure: KubeError) {
        self.failure = failure
    }

    func list<T: KubeResource>(_ type: T.Type, namespace: String?, labelSelector: String?) async throws(KubeError)
        -> KubeList<T>
    {
        lists += 1
        return KubeList(metadata: ListMeta(resourceVersion: "\(lists)"), items: [])
    }

    nonisolated func watch<T: KubeResource>(
        _ type: T.Type, resourceVersion: String, namespace: String?, labelSelector: String?, timeoutSeconds: Int
    ) -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        let (stream, continuation) = AsyncThrowingStream<WatchEvent<T>, any Error>.makeStream()
        Task {
            await self.countWatch()
            continuation.finish(throwing: failure)
        }
        return stream
    }

    private func countWatch() {
        watches += 1
    }
}

@Suite(.timeLimit(.minutes(1))) struct ReflectorBackoffTests {
    /// Runs a reflector over `fake` until `reached` holds (at most 10 s: a loaded machine may be
    /// slow to start it), then 400 ms more; returns the reflector and whether `reached` held.
    private func run(_ fake: FailingWatches, until reached: @Sendable (FailingWatches) async -> Bool) async
        -> (Reflector<Node>, Bool)
    {
        let reflector = Reflector(
            Node.self, client: fake, backoff: ReflectorBackoff(initial: .milliseconds(40), maximum: .milliseconds(80)))
        let task = Task { await reflector.run { _ in } }
        var held = false
        for _ in 0..<1000 where !held {
            held = await reached(fake)
            if !held { try? await Task.sleep(for: .milliseconds(10)) }
        }
        try? await Task.sleep(for: .milliseconds(400))
        task.cancel()
        await task.value
        return (reflector, held)
    }

    @Test func immediate410sRelistWithBackoffNotInATightLoop() async {
        let fake = FailingWatches(failure: .gone)
        let (reflector, relisted) = await run(fake) { await $0.lists >= 2 }
        let lists = await fake.lists
        // Delays of 20-80 ms: a handful of rounds in the 400 ms after the second list, where a
        // tight loop would make thousands (a slow machine only makes fewer).
        #expect(relisted && lists <= 30)
        #expect(await reflector.relists == lists - 1)
        let watches = await reflector.watchesStarted
        #expect(watches == lists || watches == lists - 1)
    }

    @Test func failingWatchesRetryWithBackoffWithoutRelisting() async {
        let fake = FailingWatches(failure: .forbidden("nodes is forbidden"))
        let (reflector, retried) = await run(fake) { await $0.watches >= 2 }
        #expect(await fake.lists == 1)
        #expect(await reflector.relists == 0)
        let watches = await fake.watches
        #expect(retried && watches <= 30)
    }
}
