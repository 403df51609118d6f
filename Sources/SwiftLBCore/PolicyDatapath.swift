/// What the policers need from the datapath: the whole desired state written at once (the
/// implementation writes only what changed since its last write), counters, interface names.
/// `PolicyHandoff` over `EBPFDatapath` in production, `InMemoryPolicyDatapath` in tests.
public protocol PolicyDatapath: Sendable {
    /// Makes the datapath hold `state`. A policer whose parameters change starts with full buckets.
    func applyPolicies(_ state: PolicyDatapathState) async throws(DatapathError)
    /// Counters of each policer of `ids` (ids without traffic may be missing).
    func policerCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: PolicyStats]
    /// The ifindex of interface `name`, nil when there is none.
    func interfaceIndex(_ name: String) -> UInt32?
}

/// The policers as the datapath holds them.
public struct PolicyDatapathState: Sendable, Hashable {
    /// Parameters by policer id.
    public var policers: [UInt32: PolicerParameters] = [:]
    /// Policer id by service id (LB rule attachments).
    public var services: [UInt32: UInt32] = [:]
    /// Policer id by ingress ifindex (port attachments).
    public var ports: [UInt32: UInt32] = [:]

    /// An empty state.
    public init() {}

    /// Whether any packet can meet a policer (the datapath's SLB_CFG_POLICE flag).
    public var enabled: Bool { !services.isEmpty || !ports.isEmpty }
}

/// A policy datapath in memory: the last state written.
public actor InMemoryPolicyDatapath: PolicyDatapath {
    /// What the kernel would hold.
    public private(set) var state = PolicyDatapathState()
    /// Counters by policer id.
    public var counters: [UInt32: PolicyStats] = [:]
    private let interfaces: [String: UInt32]
    /// When set, the next applies fail with it.
    public var failure: DatapathError?

    /// A datapath with `interfaces`.
    public init(interfaces: [String: UInt32] = [:]) {
        self.interfaces = interfaces
    }

    /// Makes the next applies fail (nil: succeed again).
    public func setFailure(_ failure: DatapathError?) { self.failure = failure }

    /// Sets a policer's counters, as traffic would.
    public func count(id: UInt32, _ stats: PolicyStats) { counters[id] = stats }

    public func applyPolicies(_ state: PolicyDatapathState) async throws(DatapathError) {
        if let failure { throw failure }
        self.state = state
    }

    public func policerCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: PolicyStats] {
        counters.filter { ids.contains($0.key) }
    }

    public nonisolated func interfaceIndex(_ name: String) -> UInt32? { interfaces[name] }
}
