import BPFLoader
import SwiftLBABI
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// Endpoint slots and active lists in the endpoint-keyed hash maps (swiftlb_abi.h, SLB_EP_KEY).
///
/// Writes go in an order that keeps every reader's view usable: new and changed slots and the
/// new active list before the service values that count them, deletions of what they no longer
/// name after (`deleteStale`).
extension EBPFDatapath {
    /// The key of slot (or active-list position) `slot` of service `id` in the endpoint-keyed maps.
    static func endpointKey(_ id: UInt32, _ slot: Int) -> UInt32 {
        id &* UInt32(SLB_MAX_ENDPOINTS) &+ UInt32(slot & (Int(SLB_MAX_ENDPOINTS) - 1))
    }

    /// Map sizes for `capacity`, by map name (the object declares the defaults).
    static func mapSizes(_ capacity: DatapathCapacity) -> [String: UInt32] {
        let services = UInt32(capacity.maxServices)
        let endpoints = UInt32(capacity.endpointEntries)
        return [
            SLB_MAP_SERVICES: UInt32(capacity.serviceKeys), SLB_MAP_RR: services, SLB_MAP_SVC_STATS: services,
            SLB_MAP_SNAT_POOL: services, SLB_MAP_ENDPOINTS: endpoints, SLB_MAP_EP_ACTIVE: endpoints,
            SLB_MAP_EP_STATS: endpoints, SLB_MAP_EP_CONNS: endpoints,
            SLB_MAP_SEL_TABLE: UInt32(capacity.selectionTables),
        ]
    }

    /// Pinned maps that may be replaced when their size or layout changed: everything the daemon
    /// writes again on start. Not the conntrack table (live flows) nor the persistence map (clients'
    /// endpoints), which keep their size.
    static let recreatableMaps: Set<String> = [
        SLB_MAP_SERVICES, SLB_MAP_RR, SLB_MAP_SVC_STATS, SLB_MAP_SNAT_POOL, SLB_MAP_ENDPOINTS, SLB_MAP_EP_ACTIVE,
        SLB_MAP_EP_STATS, SLB_MAP_EP_CONNS, SLB_MAP_SEL_TABLE, SLB_MAP_ALLOW, SLB_MAP_CONFIG,
        SLB_MAP_FW_RULES, SLB_MAP_FW_TUPLES, SLB_MAP_FW_STATS, SLB_MAP_SCTP_MH, SLB_MAP_SCTP_MH6, SLB_MAP_SRV6_PATH,
        SLB_MAP_SRV6_SID,
        SLB_MAP_GTP_UL, SLB_MAP_GTP_DL, SLB_MAP_GTP_ULCL, SLB_MAP_GTP_DLQFI, SLB_MAP_GTP_STATS,
    ]

    /// The service's endpoint slots as programmed (nil = hole), the first `count` of them.
    func slotLayout(id: UInt32, count: Int) throws(BPFError) -> [DatapathEndpoint?] {
        var slots: [DatapathEndpoint?] = []
        for slot in 0..<min(count, Int(SLB_MAX_ENDPOINTS)) {
            slots.append(try endpoints.lookup(Self.endpointKey(id, slot)).flatMap { DatapathEndpoint(abiEndpoint: $0) })
        }
        for (slot, segments) in try readSRv6(id: id).segments where slot < slots.count {
            slots[slot]?.segments = segments
        }
        return slots
    }

    /// The slot indexes of active endpoints in `slots`, in slot order: the active list.
    static func activeList(_ slots: [DatapathEndpoint?]) -> [Int] {
        slots.indices.filter { slots[$0]?.active == true }
    }

    /// Writes the slots of `slots` that differ from `previous`, and the active list where it differs
    /// from `previousActive`. Holes and shortened lists are left for `deleteStale`.
    func writeSlots(
        id: UInt32, _ slots: [DatapathEndpoint?], previous: [DatapathEndpoint?], active: [Int], previousActive: [Int]
    ) throws(BPFError) {
        for (slot, endpoint) in slots.enumerated() {
            guard let endpoint, slot >= previous.count || previous[slot] != endpoint else { continue }
            try endpoints.update(Self.endpointKey(id, slot), endpoint.abiEndpoint)
        }
        for (position, slot) in active.enumerated()
        where position >= previousActive.count || previousActive[position] != slot {
            try activeSlots.update(Self.endpointKey(id, position), UInt32(slot))
        }
    }

    /// Deletes what `previous` and `previousActive` held beyond `slots` and `active`: removed
    /// endpoints' slots with their counters, and list positions past the new end.
    func deleteStale(
        id: UInt32, _ slots: [DatapathEndpoint?], previous: [DatapathEndpoint?], active: [Int], previousActive: [Int]
    ) throws(BPFError) {
        for slot in previous.indices where previous[slot] != nil && (slot >= slots.count || slots[slot] == nil) {
            let key = Self.endpointKey(id, slot)
            _ = try endpoints.delete(key)
            _ = try endpointStats.delete(key)
            _ = try openFlows.delete(key)
        }
        for position in active.count..<max(active.count, previousActive.count) {
            _ = try activeSlots.delete(Self.endpointKey(id, position))
        }
    }

    /// The number of slots service `id` has (its service value's ep_count), from the keys written.
    func slotCount(id: UInt32) throws(BPFError) -> Int {
        guard let key = written.withLock({ $0.keys[id]?.first }), let value = try services.lookup(key.abiKey) else {
            return 0
        }
        return Int(value.ep_count)
    }
}
