/// What the firewall needs from the datapath: write table changes, read and clear counters, and
/// resolve interface names. `EBPFDatapath` in production, `InMemoryFirewallDatapath` in tests.
public protocol FirewallDatapath: Sendable {
    /// Applies `delta` (FirewallTables.Delta's order); `resetCounters` are the ids of new rules.
    func applyFirewall(_ delta: FirewallTables.Delta, resetCounters: [UInt32]) async throws(DatapathError)
    /// Packets and bytes matched by each rule of `ids` (ids without traffic may be missing).
    func firewallCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: FirewallCounter]
    /// The ifindex of interface `name`, nil when there is none.
    func interfaceIndex(_ name: String) -> UInt32?
}

/// Traffic matched by one rule.
public struct FirewallCounter: Sendable, Hashable {
    /// Packets.
    public var packets: UInt64
    /// Bytes.
    public var bytes: UInt64

    /// Creates a counter.
    public init(packets: UInt64, bytes: UInt64) {
        self.packets = packets
        self.bytes = bytes
    }
}

/// A firewall datapath in memory: its tables as the kernel would hold them.
public actor InMemoryFirewallDatapath: FirewallDatapath {
    /// Active tuples by slot.
    public private(set) var tuples: [FirewallTables.Tuple?] = Array(repeating: nil, count: FirewallTables.maxTuples)
    /// Hash entries.
    public private(set) var entries: [FirewallTables.Key: FirewallTables.Value] = [:]
    /// Counters by rule id.
    public var counters: [UInt32: FirewallCounter] = [:]
    /// The every-packet switch (slb_config's SLB_CFG_FW_EVERY).
    public private(set) var everyPacket = false
    /// Interfaces by name.
    private let interfaces: [String: UInt32]
    /// When set, the next apply fails with it.
    public var failure: DatapathError?

    /// A datapath with `interfaces`.
    public init(interfaces: [String: UInt32] = [:]) {
        self.interfaces = interfaces
    }

    /// Makes the next applies fail (nil: succeed again).
    public func setFailure(_ failure: DatapathError?) { self.failure = failure }

    /// Sets a rule's counter, as traffic would.
    public func count(id: UInt32, packets: UInt64, bytes: UInt64) {
        counters[id] = FirewallCounter(packets: packets, bytes: bytes)
    }

    public func applyFirewall(_ delta: FirewallTables.Delta, resetCounters: [UInt32]) async throws(DatapathError) {
        if let failure { throw failure }
        for id in resetCounters { counters[id] = nil }
        for (key, value) in delta.upserts { entries[key] = value }
        if let tuples = delta.tuples { self.tuples = tuples }
        for key in delta.removals { entries[key] = nil }
        if let on = delta.everyPacket { everyPacket = on }
    }

    public func firewallCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: FirewallCounter] {
        counters
    }

    public nonisolated func interfaceIndex(_ name: String) -> UInt32? { interfaces[name] }
}
