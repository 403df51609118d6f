/// One stored rule: the normalized entry as the client sees it, and the datapath slot it owns.
public struct ConfigRecord: Sendable, Hashable {
    /// The rule's key (VIP, port, protocol); unique among records.
    public var key: ServiceKey
    /// The datapath slot; unique among records and stable for the rule's lifetime.
    public var serviceID: UInt32
    /// The normalized entry (`LBRule.entry`).
    public var entry: LoadBalancerEntry

    /// Creates a record.
    public init(key: ServiceKey, serviceID: UInt32, entry: LoadBalancerEntry) {
        self.key = key
        self.serviceID = serviceID
        self.entry = entry
    }
}
