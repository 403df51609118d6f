/// A mirroring datapath in memory: the attachments and netdevs as the kernel would hold them.
public actor InMemoryMirrorDatapath: MirrorDatapath {
    /// The attachments last written.
    public private(set) var attachments = MirrorAttachments()
    /// Netdevs made, by name.
    public private(set) var netdevs: [String: MirrorNetdev] = [:]
    /// Counters by mirror id.
    public var counters: [UInt32: MirrorCounter] = [:]
    private let interfaces: [String: UInt32]
    /// When set, the next applies fail with it.
    public var failure: DatapathError?
    /// When set, making a netdev fails with it.
    public var netdevFailure: DatapathError?

    /// A datapath with `interfaces` (name to ifindex); netdevs get ifindexes from 1000 up.
    public init(interfaces: [String: UInt32] = [:]) {
        self.interfaces = interfaces
    }

    /// Makes the next applies fail (nil: succeed again).
    public func setFailure(_ failure: DatapathError?) { self.failure = failure }

    /// Makes the next netdevs fail (nil: succeed again).
    public func setNetdevFailure(_ failure: DatapathError?) { netdevFailure = failure }

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

    public func makeNetdev(_ netdev: MirrorNetdev) async throws(DatapathError) -> UInt32 {
        if let netdevFailure { throw netdevFailure }
        netdevs[netdev.name] = netdev
        return Self.netdevIndex(netdev.name)
    }

    public func removeNetdev(_ name: String) async { netdevs[name] = nil }

    public nonisolated func interfaceIndex(_ name: String) -> UInt32? { interfaces[name] }

    /// The ifindex a netdev named `name` ("slbm<id>") gets here: 1000 + id.
    public static func netdevIndex(_ name: String) -> UInt32 { 1000 + (UInt32(name.dropFirst(4)) ?? 0) }
}
