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
    /// Runs a reflector over `fake` for `duration`.
    private func run(_ fake: FailingWatches, for duration: Duration) async -> Reflector<Node> {
        let reflector = Reflector(
            Node.self, client: fake, backoff: ReflectorBackoff(initial: .milliseconds(40), maximum: .milliseconds(80)))
        let task = Task { await reflector.run { _ in } }
        try? await Task.sleep(for: duration)
        task.cancel()
        await task.value
        return reflector
    }

    @Test func immediate410sRelistWithBackoffNotInATightLoop() async {
        let fake = FailingWatches(failure: .gone)
        let reflector = await run(fake, for: .milliseconds(400))
        let lists = await fake.lists
        // Delays of 20-80 ms: about 6-15 rounds in 400 ms; a tight loop would make thousands.
        #expect(lists >= 2 && lists <= 25)
        #expect(await reflector.relists == lists - 1)
        let watches = await reflector.watchesStarted
        #expect(watches == lists || watches == lists - 1)
    }

    @Test func failingWatchesRetryWithBackoffWithoutRelisting() async {
        let fake = FailingWatches(failure: .forbidden("nodes is forbidden"))
        let reflector = await run(fake, for: .milliseconds(400))
        #expect(await fake.lists == 1)
        #expect(await reflector.relists == 0)
        let watches = await fake.watches
        #expect(watches >= 2 && watches <= 25)
    }
}
