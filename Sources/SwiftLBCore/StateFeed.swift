import Synchronization

/// The desired state's version, as the rule store publishes it: every change of the rules, of
/// their endpoints' health or of the endpoint entries is a new version. Subsystems that follow the
/// desired state (BGP advertisement, the health prober) wait for a version newer than the one they
/// last acted on and then read the state: versions published meanwhile count as one, and any
/// number of subscribers wait independently. Nothing polls.
public final class StateFeed: Sendable {
    private struct State {
        var version: UInt64 = 0
        var waiters: [Int: CheckedContinuation<UInt64, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// Creates a feed at version 0.
    public init() {}

    /// The latest published version.
    public var version: UInt64 { state.withLock { $0.version } }

    /// Publishes a new version and wakes every subscriber; returns it.
    @discardableResult
    public func publish() -> UInt64 {
        let (version, waiters) = state.withLock { state in
            state.version += 1
            // Every registered waiter waits for a version below this one.
            defer { state.waiters.removeAll() }
            return (state.version, Array(state.waiters.values))
        }
        for waiter in waiters { waiter.resume(returning: version) }
        return version
    }

    /// The latest version once it is newer than `seen`; with a `timeout`, the latest version (maybe
    /// `seen` itself) when none came in time. Returns at once when the task is cancelled.
    public func next(after seen: UInt64, timeout: Duration? = nil) async -> UInt64 {
        guard let timeout else { return await wait(after: seen) }
        return await withTaskGroup(of: UInt64?.self) { group in
            group.addTask { await self.wait(after: seen) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? version
        }
    }

    private func wait(after seen: UInt64) async -> UInt64 {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<UInt64, Never>) in
                let ready = state.withLock { state -> UInt64? in
                    // Cancelled before it could register: the handler found no one to resume.
                    if state.version > seen || Task.isCancelled { return state.version }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let (waiter, version) = state.withLock { ($0.waiters.removeValue(forKey: id), $0.version) }
            waiter?.resume(returning: version)
        }
    }
}
