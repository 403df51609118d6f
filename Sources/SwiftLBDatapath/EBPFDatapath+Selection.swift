import BPFLoader
import SwiftLBABI
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// Slot layouts, selection tables, persistence and open-flow counts (docs/algorithms.md).
extension EBPFDatapath {
    /// The service's endpoint slots as programmed (nil = hole), the first `count` of them.
    func slotLayout(id: UInt32, count: Int) throws(BPFError) -> [DatapathEndpoint?] {
        let slots = try endpointSets.lookup(id)?.slots ?? []
        return slots.prefix(min(count, Int(SLB_MAX_ENDPOINTS))).map { DatapathEndpoint(abiEndpoint: $0) }
    }

    /// The slot indexes of the service's endpoints in the canonical order (address, then port).
    func canonicalSlots(id: UInt32) throws(BPFError) -> [Int] {
        let slots = try slotLayout(id: id, count: Int(SLB_MAX_ENDPOINTS))
        return slots.indices.compactMap { index in slots[index].map { (index, $0) } }
            .sorted { ($0.1.address, $0.1.port) < ($1.1.address, $1.1.port) }
            .map(\.0)
    }

    /// The selection table programmed for a service (bucket -> slot, `SLB_SEL_SLOT_NONE` empty).
    public func selectionTable(serviceID: UInt32) throws(BPFError) -> [UInt8]? {
        try selectionTables.lookup(serviceID)
    }

    /// Open flows per endpoint of a service, in the canonical endpoint order.
    public func openFlowCounts(serviceID: UInt32) throws(BPFError) -> [UInt32] {
        var counts: [UInt32] = []
        for slot in try canonicalSlots(id: serviceID) {
            counts.append(try openFlows.lookup(serviceID * UInt32(SLB_MAX_ENDPOINTS) + UInt32(slot)) ?? 0)
        }
        return counts
    }

    /// Writes a service's selection table (slots; `UInt16.max` = none). A new table beyond the
    /// map's `SLB_MAX_SEL_TABLES` is refused with an error naming that limit.
    func writeSelectionTable(_ serviceID: UInt32, _ table: [UInt16], isNew: Bool) throws {
        let bytes = table.map { $0 == .max ? UInt8(SLB_SEL_SLOT_NONE) : UInt8($0) }
        do {
            try selectionTables.update(serviceID, bytes)
        } catch {
            guard isNew, error.code == E2BIG else { throw error }
            throw DatapathLimitError(
                "at most \(SLB_MAX_SEL_TABLES) services can use hash, priority or persist at once; use rr or lc "
                    + "for this one or delete another such rule")
        }
    }

    /// Forgets every client the persist services `serviceIDs` remembered (one pass over the map).
    func forgetPersistence(serviceIDs: Set<UInt32>) throws(BPFError) {
        for key in try persistence.keys(limit: Int(SLB_PERSIST_ENTRIES)) where serviceIDs.contains(key.svc_id) {
            try persistence.delete(key)
        }
    }

    /// Recounts open flows per endpoint from the conntrack table and writes every count that
    /// differs: the datapath's increments and decrements are exact except for rare races (two
    /// CPUs closing one flow) and flows that vanish without a close (swept entries), so this
    /// keeps lc's counts from drifting. Returns how many counts were corrected.
    @discardableResult
    public func recountOpenFlows() throws(BPFError) -> Int {
        var counts: [UInt32: UInt32] = [:]
        conntrack.forEachEntry { entry in
            let value = entry.value
            guard value.dir == UInt8(SLB_DIR_FWD.rawValue), Self.isOpen(state: value.state),
                value.svc_id < UInt32(SLB_MAX_SERVICES)
            else { return }
            counts[
                value.svc_id * UInt32(SLB_MAX_ENDPOINTS) + UInt32(value.ep_idx % UInt16(SLB_MAX_ENDPOINTS)), default: 0] +=
                1
        }
        var corrected = 0
        // Every key of the map: ranges and secondary VIPs give a service several.
        for abiKey in try services.keys(limit: Int(SLB_MAX_SERVICE_KEYS)) {
            // ICMPv6 echo markers (id SLB_MAX_SERVICES) index nothing.
            guard let service = try services.lookup(abiKey), service.id < UInt32(SLB_MAX_SERVICES) else { continue }
            for slot in 0..<UInt32(SLB_MAX_ENDPOINTS) {
                let index = service.id * UInt32(SLB_MAX_ENDPOINTS) + slot
                let want = counts[index] ?? 0
                if try openFlows.lookup(index) != want {
                    try openFlows.update(index, want)
                    corrected += 1
                }
            }
        }
        return corrected
    }

    /// Whether a flow in conntrack `state` counts as open (as slb_ct_state_open in lb_select.h).
    static func isOpen(state: UInt8) -> Bool {
        let value = UInt32(state)
        return value != SLB_CT_TIME_WAIT.rawValue && value != SLB_CT_CLOSED.rawValue && value != SLB_CT_NONE.rawValue
    }
}
