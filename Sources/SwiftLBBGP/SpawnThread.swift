import Foundation

/// One thread that lives as long as the daemon and starts its child processes.
///
/// gobgpd is started under `setpriv --pdeathsig KILL`, so the kernel kills it when its parent
/// goes, even after a SIGKILL of the daemon. The kernel sends that signal when the *thread* that
/// forked the child exits, and the threads Swift concurrency runs on come and go, so children
/// are forked from this thread, which never exits.
final class SpawnThread: @unchecked Sendable {
    static let shared = SpawnThread()

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    private init() {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "swiftlb-spawn"
        thread.start()
    }

    /// Runs `body` on the spawn thread and returns its result (the caller waits; a spawn is quick).
    func run<T>(_ body: @escaping () throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        var result: Result<T, any Error>?
        condition.lock()
        jobs.append {
            result = Result { try body() }
            done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
        // `result` was set before `signal`, and `wait` orders this read after it.
        return try result!.get()
    }

    private func loop() -> Never {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
