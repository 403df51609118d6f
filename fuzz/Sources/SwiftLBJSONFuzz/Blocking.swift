import Foundation

/// Runs async work to completion on libFuzzer's own thread, through a task executor that this
/// thread drains.
///
/// The work's task prefers `InlineExecutor`, and so do the default actors it calls (`RuleStore`,
/// the in-memory datapath and config store), so every job runs here, one after the other. libFuzzer
/// counts mallocs and frees during each input and scans the whole heap for leaks when they differ:
/// with a task on the global pool, which frees its memory after the waiting thread has resumed,
/// every input looked leaky and fuzzing was ten times slower.
enum Blocking {
    private static let executor = InlineExecutor()

    /// The result of `work`, after it finished.
    static func run<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let task = Task(executorPreference: executor) { box.value = await work() }
        executor.drain { box.value != nil }
        withExtendedLifetime(task) {}
        guard let value = box.value else { FuzzInvariant.fail("async work finished without a result") }
        return value
    }
}

/// A task executor whose jobs wait in a queue until the thread that called `drain` runs them.
final class InlineExecutor: TaskExecutor, @unchecked Sendable {
    private let lock = NSLock()
    private var jobs: [UnownedJob] = []

    /// Queues `job`; any thread may call this.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        lock.withLock { jobs.append(job) }
    }

    /// Runs queued jobs on the calling thread until `finished` returns true.
    func drain(until finished: () -> Bool) {
        while !finished() {
            if let job = next() {
                job.runSynchronously(on: asUnownedTaskExecutor())
            } else {
                // A job resumed from elsewhere (a timer) has not been queued yet.
                Thread.sleep(forTimeInterval: 0.000_1)
            }
        }
    }

    private func next() -> UnownedJob? {
        lock.withLock { jobs.isEmpty ? nil : jobs.removeFirst() }
    }
}

/// Hands the result from the task to `Blocking.run`; both run on the same thread.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
