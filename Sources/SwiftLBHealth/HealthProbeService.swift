import Logging
import ServiceLifecycle
import SwiftLBCore

/// The health prober: probes every target the `RuleStore` lists, each on its own period, with at
/// most `maxConcurrentProbes` probes in flight, and reports every result back to the store (which
/// reprograms the datapath when an endpoint turns up or down).
///
/// The target list is read again on every new version of the desired state (rules or endpoint
/// entries changed), not on a timer; a target whose settings changed restarts undecided.
public struct HealthProbeService: Service {
    let store: RuleStore
    let prober: any Prober
    let logger: Logger
    let limiter: ConcurrencyLimiter

    /// Creates the service; `maxConcurrentProbes` bounds the probes running at once.
    public init(store: RuleStore, prober: any Prober, logger: Logger, maxConcurrentProbes: Int = 64) {
        self.store = store
        self.prober = prober
        self.logger = logger
        self.limiter = ConcurrencyLimiter(limit: maxConcurrentProbes)
    }

    /// Probes until the service group shuts down.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await runUntilCancelled()
        }
    }

    /// The loop without ServiceLifecycle (tests cancel the task to stop it).
    public func runUntilCancelled() async throws {
        var running: [String: (target: ProbeTarget, task: Task<Void, Never>)] = [:]
        defer { for entry in running.values { entry.task.cancel() } }
        while !Task.isCancelled {
            // Read before the targets: a version published meanwhile reads them again at once.
            let seen = store.feed.version
            let targets = await store.probeTargets()
            let wanted = Dictionary(targets.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            for (key, entry) in running where wanted[key] != entry.target {
                entry.task.cancel()
                running[key] = nil
            }
            for target in targets where running[target.key] == nil {
                running[target.key] = (target, Task { await watch(target) })
                logger.debug(
                    "probing endpoint",
                    metadata: [
                        "endpoint": "\(target.key)", "every": "\(target.interval)s", "retries": "\(target.retries)",
                    ])
            }
            _ = await store.feed.next(after: seen)
        }
    }

    // Probes one target every `interval` until cancelled, feeding its state machine.
    private func watch(_ target: ProbeTarget) async {
        var machine = EndpointHealthMachine(retries: target.retries)
        var starved = false
        while !Task.isCancelled {
            let started = ContinuousClock.now
            let result = await limiter.run { await prober.probe(target) }
            guard !Task.isCancelled else { return }
            // Out of descriptors the probe is not sent at all: say so once, not once a probe.
            if case .localError(let reason) = result, !starved {
                starved = true
                logger.warning(
                    "probe not sent; endpoint state kept until probes can run again",
                    metadata: ["endpoint": "\(target.key)", "reason": "\(reason)"])
            } else if starved, !(result.isLocalError) {
                starved = false
                logger.notice("probes run again", metadata: ["endpoint": "\(target.key)"])
            }
            for action in machine.handle(result) {
                switch action {
                case .markDown(let reason):
                    logger.warning("endpoint down", metadata: ["endpoint": "\(target.key)", "reason": "\(reason)"])
                case .markUp:
                    logger.notice("endpoint up", metadata: ["endpoint": "\(target.key)"])
                }
            }
            await store.reportProbe(key: target.key, status: machine.status)
            try? await Task.sleep(
                until: started + machine.nextProbeDelay(interval: target.interval), clock: .continuous)
        }
    }
}

/// A counting semaphore for async code: at most `limit` bodies run at once, the others wait in order.
public actor ConcurrencyLimiter {
    private let limit: Int
    private var running = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Creates a limiter admitting `limit` (at least 1) bodies at once.
    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Runs `body` once a slot is free.
    public func run<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        if running >= limit {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            running += 1
        }
        defer { release() }
        return await body()
    }

    // A waiter inherits the slot, so `running` stays at the limit while anyone waits.
    private func release() {
        if waiters.isEmpty {
            running -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
