import Logging

/// Keeps a cache of one kind in step with the API server, like client-go's reflector: lists, then
/// watches from the list's version with bookmarks; when a watch ends it resumes from the last version
/// seen; when the version is too old (410) it lists again; on other failures it backs off
/// exponentially (0.5 s to 30 s, with jitter) and retries.
public actor Reflector<T: KubeResource> {
    private let client: any KubeListWatching
    private let namespace: String?
    private let labelSelector: String?
    private let watchTimeout: ClosedRange<Int>
    private var backoff: ReflectorBackoff
    private let logger: Logger

    /// The objects as last seen, by key.
    public private(set) var cache: [ObjectKey: T] = [:]
    /// The version to resume watching from; nil until the first list.
    public private(set) var resourceVersion: String?
    /// Full lists after the first one (each follows a 410 Gone).
    public private(set) var relists = 0
    /// Watch requests started.
    public private(set) var watchesStarted = 0
    private var running = false

    /// A reflector over `client` for the kind `T`, in `namespace` (all when nil), optionally
    /// filtered by `labelSelector`; watches last a random number of seconds in `watchTimeout`.
    public init(
        _ type: T.Type, client: any KubeListWatching, namespace: String? = nil, labelSelector: String? = nil,
        watchTimeout: ClosedRange<Int> = 240...360, backoff: ReflectorBackoff = ReflectorBackoff(),
        logger: Logger = Logger(label: "swiftlb-kube.reflector")
    ) {
        self.client = client
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.watchTimeout = watchTimeout
        self.backoff = backoff
        var logger = logger
        logger[metadataKey: "resource"] = "\(T.plural)"
        self.logger = logger
    }

    /// Lists and watches until the calling task is cancelled, reporting every change to `onChange`
    /// in order (it is awaited before the next one). A second call while one runs returns at once.
    public func run(onChange: @Sendable (ReflectorChange<T>) async -> Void) async {
        guard !running else {
            logger.error("Reflector.run called while already running; ignored")
            return
        }
        running = true
        defer { running = false }
        var needsList = true
        var lists = 0
        while !Task.isCancelled {
            if needsList {
                guard await list(onChange: onChange, isFirst: lists == 0) else {
                    await sleepBackingOff()
                    continue
                }
                lists += 1
                needsList = false
            }
            needsList = await watchOnce(onChange: onChange)
        }
    }

    /// Lists and reports `.synced`; false after a failure (logged).
    private func list(onChange: @Sendable (ReflectorChange<T>) async -> Void, isFirst: Bool) async -> Bool {
        do {
            let list = try await client.list(T.self, namespace: namespace, labelSelector: labelSelector)
            if !isFirst { relists += 1 }
            cache = Dictionary(list.items.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
            resourceVersion = list.metadata.resourceVersion ?? ""
            backoff.reset()
            logger.info(
                "listed \(T.plural)",
                metadata: ["count": "\(cache.count)", "resourceVersion": "\(resourceVersion ?? "")"])
            await onChange(.synced(cache.keys.sorted().compactMap { cache[$0] }))
            return true
        } catch {
            if !Task.isCancelled { logger.warning("listing \(T.plural) failed: \(error)") }
            return false
        }
    }

    /// Watches once from the current version; true when the reflector must list again.
    private func watchOnce(onChange: @Sendable (ReflectorChange<T>) async -> Void) async -> Bool {
        let from = resourceVersion ?? ""
        watchesStarted += 1
        var events = 0
        do {
            let stream = client.watch(
                T.self, resourceVersion: from, namespace: namespace, labelSelector: labelSelector,
                timeoutSeconds: Int.random(in: watchTimeout))
            for try await event in stream {
                events += 1
                if events == 1 { backoff.reset() }
                // KubeClient throws ERROR events itself; other clients may yield them.
                if case .error(let status) = event {
                    throw KubeError.from(httpStatus: status.code ?? 500, status: status, path: "watch \(T.plural)")
                }
                await apply(event, onChange: onChange)
            }
        } catch KubeError.gone {
            logger.info(
                "relisting \(T.plural): resource version \(resourceVersion ?? "") is too old (410 Gone)")
            // A 410 straight after a list would otherwise relist in a tight loop.
            if events == 0 { await sleepBackingOff() }
            return true
        } catch {
            guard !Task.isCancelled else { return false }
            logger.info(
                "watch of \(T.plural) failed (\(error)); reconnecting from the last version seen",
                metadata: ["events": "\(events)", "resourceVersion": "\(resourceVersion ?? "")"])
            await sleepBackingOff()
            return false
        }
        guard !Task.isCancelled else { return false }
        logger.info("watch of \(T.plural) ended after \(events) events; resuming from \(resourceVersion ?? "")")
        // A server that closes watches at once would otherwise be hammered.
        if events == 0 { await sleepBackingOff() }
        return false
    }

    private func apply(_ event: WatchEvent<T>, onChange: @Sendable (ReflectorChange<T>) async -> Void) async {
        switch event {
        case .added(let object), .modified(let object):
            cache[object.key] = object
            advance(to: object.metadata.resourceVersion)
            await onChange(.upserted(object))
        case .deleted(let object):
            cache[object.key] = nil
            advance(to: object.metadata.resourceVersion)
            await onChange(.deleted(object))
        case .bookmark(let version):
            advance(to: version)
        case .error:
            break
        }
    }

    private func advance(to version: String?) {
        if let version, !version.isEmpty { resourceVersion = version }
    }

    private func sleepBackingOff() async {
        let delay = backoff.nextDelay()
        logger.debug("backing off \(delay) before retrying \(T.plural)")
        try? await Task.sleep(for: delay)
    }
}
