import BPFLoader
import SwiftLBABI
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// Slot layouts, selection tables, persistence and open-flow counts (docs/algorithms.md).
extension EBPFDatapath {
    /// The slot indexes of the service's endpoints in the canonical order (address, then port).
    func canonicalSlots(id: UInt32) throws(BPFError) -> [Int] {
        let slots = try slotLayout(id: id, count: try slotCount(id: id))
        return slots.indices.compactMap { index in slots[index].map { (index, $0) } }
            .sorted { ($0.1.address, $0.1.port) < ($1.1.address, $1.1.port) }
            .map(\.0)
    }

    /// The selection table programmed for a service (bucket -> slot, `SLB_SEL_SLOT_NONE` empty).
    public func selectionTable(serviceID: UInt32) throws(BPFError) -> [UInt16]? {
        guard let bytes = try selectionTables.lookup(serviceID) else { return nil }
        return bytes.withUnsafeBytes { raw in
            (0..<bytes.count / 2).map { raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self) }
        }
    }

    /// Open flows per endpoint of a service, in the canonical endpoint order.
    public func openFlowCounts(serviceID: UInt32) throws(BPFError) -> [UInt32] {
        var counts: [UInt32] = []
        for slot in try canonicalSlots(id: serviceID) {
            counts.append(try openFlows.lookup(Self.endpointKey(serviceID, slot)) ?? 0)
        }
        return counts
    }

    /// Writes a service's selection table (slots; `UInt16.max` = none). A new table beyond the
    /// map's `--selection-tables` is refused with an error naming that limit.
    func writeSelectionTable(_ serviceID: UInt32, _ table: [UInt16], isNew: Bool) throws {
        // Host byte order, as the program reads a __u16; UInt16.max is SLB_SEL_SLOT_NONE.
        let bytes = table.withUnsafeBytes { Array($0) }
        do {
            try selectionTables.update(serviceID, bytes)
        } catch {
            guard isNew, error.code == E2BIG else { throw error }
            throw DatapathLimitError(
                "at most \(capacity.selectionTables) services can use hash, priority, persist or n3 at once "
                    + "(--selection-tables); use rr or lc for this one or delete another such rule")
        }
    }

    /// Forgets every client the persist services `serviceIDs` remembered (one pass over the map).
    func forgetPersistence(where purged: (UInt32) -> Bool) throws(BPFError) {
        for key in try persistence.keys(limit: Int(SLB_PERSIST_ENTRIES)) where purged(key.svc_id) {
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
                value.svc_id < UInt32(capacity.maxServices)
            else { return }
            counts[Self.endpointKey(value.svc_id, Int(value.ep_idx)), default: 0] += 1
        }
        var corrected = 0
        // Every count the map holds (one per endpoint slot in use; holes and removed services have
        // none), read in a few batch calls rather than a walk of every service's slots.
        for (index, have) in try openFlows.entries() where have != (counts[index] ?? 0) {
            try openFlows.update(index, counts[index] ?? 0)
            corrected += 1
        }
        return corrected
    }

    /// Whether a flow in conntrack `state` counts as open (as slb_ct_state_open in lb_select.h).
    static func isOpen(state: UInt8) -> Bool {
        let value = UInt32(state)
        return value != SLB_CT_TIME_WAIT.rawValue && value != SLB_CT_CLOSED.rawValue && value != SLB_CT_NONE.rawValue
    }
}
