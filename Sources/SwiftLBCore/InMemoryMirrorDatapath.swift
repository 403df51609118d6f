/// A mirroring datapath in memory: the attachments as the kernel would hold them.
public actor InMemoryMirrorDatapath: MirrorDatapath {
    /// The attachments last written.
    public private(set) var attachments = MirrorAttachments()
    /// Counters by mirror id.
    public var counters: [UInt32: MirrorCounter] = [:]
    private let interfaces: [String: UInt32]
    /// When set, the next applies fail with it.
    public var failure: DatapathError?

    /// A datapath with `interfaces` (name to ifindex).
    public init(interfaces: [String: UInt32] = [:]) {
        self.interfaces = interfaces
    }

    /// Makes the next applies fail (nil: succeed again).
    public func setFailure(_ failure: DatapathError?) { self.failure = failure }

    /// Sets a mirror's counter, as traffic would.
    public func count(id: UInt32, _ counter: MirrorCounter) { counters[id] = counter }

    public func applyMirrors(_ attachments: MirrorAttachments) async throws(DatapathError) {
        if let failure { throw failure }
        self.attachments = attachments
    }

    public func resetMirrorCounters(id: UInt32) async throws(DatapathError) { counters[id] = nil }

    public func mirrorCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: MirrorCounter] {
        counters.filter { ids.contains($0.key) }
    }

    public nonisolated func interfaceIndex(_ name: String) -> UInt32? { interfaces[name] }
}
