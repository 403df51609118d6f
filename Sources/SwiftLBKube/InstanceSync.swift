import Logging
import SwiftLBCore

/// Keeps one SwiftLB's managed rules equal to the desired set: posts what is missing or changed,
/// deletes managed rules nothing wants. Level-triggered: every pass reads the instance's rules, so
/// an instance that restarted empty, was unreachable, or is new is caught up on its next pass.
public actor InstanceSync {
    public let api: SwiftLBAPIClient
    private let logger: Logger
    /// Extra calls made once per contact (BGP), again after the instance was unreachable.
    private let setup: @Sendable (SwiftLBAPIClient) async throws(SwiftLBAPIClient.CallError) -> Void
    /// A rule the instance refused (400): the rule's name and the instance's message.
    private let refused: @Sendable (String, String) async -> Void

    private var desired: [RuleKey: LoadBalancerEntry]?
    /// What was last posted per key and accepted.
    private var applied: [RuleKey: LoadBalancerEntry] = [:]
    /// What the instance refused (400, 409, 507): not posted again until it changes.
    private var refusedEntries: [RuleKey: LoadBalancerEntry] = [:]
    private var setUp = false
    private var wake: AsyncStream<Void>.Continuation?
    /// Passes that completed, and whether the last one reached the instance.
    public private(set) var passes = 0
    public private(set) var reachable = false

    public init(
        api: SwiftLBAPIClient, logger: Logger,
        setup: @escaping @Sendable (SwiftLBAPIClient) async throws(SwiftLBAPIClient.CallError) -> Void = { _ in },
        refused: @escaping @Sendable (String, String) async -> Void = { _, _ in }
    ) {
        self.api = api
        self.logger = logger
        self.setup = setup
        self.refused = refused
    }

    /// Replaces the desired rules; the next pass starts at once. Until the first call nothing is
    /// deleted (the controller has not read the cluster yet).
    public func want(_ rules: [LoadBalancerEntry]) {
        desired = Dictionary(rules.map { (RuleKey($0), $0) }, uniquingKeysWith: { first, _ in first })
        wake?.yield()
    }

    /// Runs passes on every change and every `resync`, until cancelled. An unreachable instance is
    /// retried with backoff up to `resync`.
    public func run(resync: Duration) async {
        let (changes, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wake = continuation
        var delay = Duration.milliseconds(250)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: resync)
                    continuation.yield()
                }
            }
            var iterator = changes.makeAsyncIterator()
            while !Task.isCancelled {
                if desired != nil {
                    if await pass() {
                        delay = .milliseconds(250)
                    } else {
                        try? await Task.sleep(for: delay)
                        delay = min(delay * 2, resync)
                        continue
                    }
                }
                guard await iterator.next() != nil else { break }
            }
            group.cancelAll()
        }
    }

    /// One comparison and the calls it needs; false when the instance could not be reached.
    @discardableResult
    public func pass() async -> Bool {
        guard let desired else { return true }
        do {
            if !setUp {
                try await setup(api)
                setUp = true
            }
            let present = try await api.rules()
            let managed = Dictionary(
                present.filter(\.serviceArguments.managed).map { (RuleKey($0), $0) }, uniquingKeysWith: { a, _ in a })
            let presentKeys = Set(present.map(RuleKey.init))
            var (deleted, posted) = (0, 0)
            for key in managed.keys.sorted() where desired[key] == nil {
                try await api.delete(key)
                applied[key] = nil
                deleted += 1
            }
            for (key, entry) in desired.sorted(by: { $0.key < $1.key })
            where refusedEntries[key] != entry && (applied[key] != entry || !presentKeys.contains(key)) {
                try await post(key, entry, replacing: managed[key])
                posted += 1
            }
            if deleted + posted > 0 {
                logger.info(
                    "instance updated",
                    metadata: [
                        "instance": "\(api.baseURL)", "posted": "\(posted)", "deleted": "\(deleted)",
                        "rules": "\(desired.count)",
                    ])
            }
            if !reachable { logger.info("instance in sync", metadata: ["instance": "\(api.baseURL)"]) }
            reachable = true
        } catch {
            if reachable || passes == 0 {
                logger.warning("instance not in sync", metadata: ["instance": "\(api.baseURL)", "error": "\(error)"])
            }
            reachable = false
            setUp = false
            passes += 1
            return false
        }
        passes += 1
        return true
    }

    private func post(_ key: RuleKey, _ entry: LoadBalancerEntry, replacing old: LoadBalancerEntry?)
        async throws(SwiftLBAPIClient.CallError)
    {
        do {
            try await api.create(entry)
        } catch  where error.status == 409 && old != nil {
            // Another algorithm or mode is another rule: replace it.
            try await api.delete(key)
            do {
                try await api.create(entry)
            } catch  where error.status == 400 || error.status == 409 || error.status == 507 {
                await refuse(key, entry, error)
                return
            }
        } catch  where error.status == 400 || error.status == 409 || error.status == 507 {
            await refuse(key, entry, error)
            return
        }
        applied[key] = entry
        refusedEntries[key] = nil
        logger.debug("rule posted", metadata: ["instance": "\(api.baseURL)", "rule": "\(key)"])
    }

    private func refuse(_ key: RuleKey, _ entry: LoadBalancerEntry, _ error: SwiftLBAPIClient.CallError) async {
        applied[key] = nil
        refusedEntries[key] = entry
        logger.warning("rule refused", metadata: ["rule": "\(key)", "error": "\(error)"])
        await refused(entry.serviceArguments.name, error.description)
    }
}
