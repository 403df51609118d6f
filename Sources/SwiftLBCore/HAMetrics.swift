/// What `/metrics` shows of HA: each instance's role, and the conntrack sync link's counters.
public struct HAMetrics: Sendable, Equatable {
    /// Every instance with the role it holds now, sorted by name.
    public var instances: [HAInstanceState]
    /// The sync link's counters (nil: no peers configured, or the datapath is not loaded yet).
    public var sync: HASyncCounters?

    public init(instances: [HAInstanceState], sync: HASyncCounters?) {
        self.instances = instances
        self.sync = sync
    }
}

/// The conntrack sync link's counters since it started (`ConntrackSync.Statistics`).
public struct HASyncCounters: Sendable, Hashable {
    /// Peers with a sync connection up now (filled in when read).
    public var peersConnected = 0
    /// Flows sent: by passes over the table, snapshots and the datapath's events together.
    public var flowsSent = 0
    /// Of those, new flows sent as the datapath reported them (ahead of a pass).
    public var eventFlows = 0
    public var deletesSent = 0
    public var snapshotsSent = 0
    /// Queues dropped because a peer could not keep up (each followed by a new snapshot).
    public var queuesDropped = 0
    public var flowsReceived = 0
    /// Received flows written into the table (not while MASTER, not for unknown services).
    public var flowsApplied = 0
    public var deletesApplied = 0
    public var snapshotsReceived = 0
    /// Flows of a service this instance does not have (by key), not written.
    public var unknownServices = 0
    public var persistenceSent = 0
    public var persistenceApplied = 0
    /// Connections closed because the peer did not prove it holds the sync key.
    public var authenticationFailures = 0
    public var scans = 0
    /// The last pass over the table, in nanoseconds.
    public var lastScanNanoseconds: UInt64 = 0

    public init() {}
}
