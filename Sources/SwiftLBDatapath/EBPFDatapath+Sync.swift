import BPFLoader
import SwiftLBABI
import SwiftLBCore

/// What conntrack sync needs from the datapath: service ids by key and back (ids are local to an
/// instance, so flows travel with their service's key), and the persist services' clients.
extension EBPFDatapath {
    /// The primary key (first VIP, lowest port) of the service programmed under `id`, from what this
    /// process wrote; nil when no service holds the id (a deleted rule whose flows await the purge).
    public func serviceKey(forID id: UInt32) -> ServiceKey? {
        if id == UInt32(SLB_SVC_ID_FW_SNAT) { return Self.firewallSNATKey }
        return written.withLock { $0.keys[id]?.first }
    }

    /// The key the firewall's SNAT flows travel under: they belong to no service, and a rule
    /// cannot have the unspecified VIP, so this key names no service's flows. A peer stores them
    /// under its own SNAT id and translates their later packets without a firewall lookup.
    public static let firewallSNATKey = ServiceKey(vip: .v4(0), port: 0, proto: .tcp)

    /// The id of the service matching `key` (any of its match keys), read from the service map; nil
    /// when no service matches it.
    public func serviceID(for key: ServiceKey) -> UInt32? {
        if key == Self.firewallSNATKey { return UInt32(SLB_SVC_ID_FW_SNAT) }
        guard let value = try? services.lookup(key.abiKey), value.id < UInt32(SLB_SVC_ID_MARKER) else { return nil }
        return value.id
    }

    /// Every client the persist services remember (slb_persist), read in a few batch calls.
    public func persistenceEntries() throws(BPFError) -> [(key: slb_persist_key, value: slb_persist_val)] {
        try persistence.entries(limit: Int(SLB_PERSIST_ENTRIES))
    }

    /// Remembers a persist service's client (an entry synced from the active instance).
    public func writePersistence(_ key: slb_persist_key, _ value: slb_persist_val) throws(BPFError) {
        try persistence.update(key, value)
    }

    /// Forgets a persist service's client; false when it was not remembered.
    @discardableResult
    public func deletePersistence(_ key: slb_persist_key) throws(BPFError) -> Bool {
        try persistence.delete(key)
    }

    /// CLOCK_MONOTONIC in nanoseconds, the clock of the datapath's last-seen stamps.
    public static var monotonicNow: UInt64 { monotonicNanoseconds() }
}
