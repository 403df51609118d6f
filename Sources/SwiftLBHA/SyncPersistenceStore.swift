import BPFLoader
import SwiftLBABI
import SwiftLBDatapath

/// The clients persist services remember (slb_persist), read by the active instance and written by
/// its peers. slb_persist is an LRU hash map, not a mapped table, so it is read in batch calls, on
/// its own (slower) schedule.
public protocol SyncPersistenceStore: Sendable {
    func persistenceEntries() throws(BPFError) -> [(key: slb_persist_key, value: slb_persist_val)]
    func writePersistence(_ key: slb_persist_key, _ value: slb_persist_val) throws(BPFError)
    @discardableResult func deletePersistence(_ key: slb_persist_key) throws(BPFError) -> Bool
}

extension EBPFDatapath: SyncPersistenceStore {}

/// Finds the persist entries that are new, changed (endpoint slot, or the last flow's time entering
/// a new refresh period) or gone since the previous pass.
struct PersistenceChangeDetector {
    /// A persist key as a dictionary key (the C struct is not Hashable).
    struct Key: Hashable {
        var serviceID: UInt32
        var family: UInt8
        var address: [UInt32]

        init(_ key: slb_persist_key) {
            serviceID = key.svc_id
            family = key.family
            address = [key.addr.0, key.addr.1, key.addr.2, key.addr.3]
        }

        var persistKey: slb_persist_key {
            var key = slb_persist_key()
            key.svc_id = serviceID
            key.family = family
            key.addr = (address[0], address[1], address[2], address[3])
            return key
        }
    }

    let refreshPeriodNanoseconds: UInt64
    private var reported: [Key: UInt64] = [:]

    init(refreshPeriodNanoseconds: UInt64) {
        self.refreshPeriodNanoseconds = max(refreshPeriodNanoseconds, 1)
    }

    /// Compares `entries` (one read of the map) with the previous pass.
    mutating func changes(in entries: [(key: slb_persist_key, value: slb_persist_val)])
        -> (upserted: [(key: slb_persist_key, value: slb_persist_val)], deleted: [slb_persist_key])
    {
        var upserted: [(key: slb_persist_key, value: slb_persist_val)] = []
        var current: [Key: UInt64] = [:]
        current.reserveCapacity(entries.count)
        for entry in entries {
            let key = Key(entry.key)
            let mark = UInt64(entry.value.slot) << 48 ^ entry.value.last_seen_ns / refreshPeriodNanoseconds
            current[key] = mark
            if reported[key] != mark { upserted.append(entry) }
        }
        let deleted = reported.keys.filter { current[$0] == nil }.map(\.persistKey)
        reported = current
        return (upserted, deleted)
    }

    /// Forgets everything: the next pass reports every entry.
    mutating func reset() { reported.removeAll() }
}
