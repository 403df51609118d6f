import SwiftLBABI

/// Finds what changed in the conntrack table since its previous pass, by reading the mapped slots
/// (no system call per entry): flows created, flows whose synced fields changed (state, FIN bits,
/// rewrite, service, endpoint slot, SCTP tag; a slot reused by another flow, seen by the generation
/// in its control word), and flows deleted. Conntrack sync streams these to the peers.
///
/// A pass reads every slot's control word, and the value of every LIVE one (a fingerprint,
/// `slb_ct_user_sync_digest`); it keeps 16 bytes per slot, plus the key of each flow it reported,
/// to name the flow when it goes. Flows that keep seeing packets are reported again once per
/// `refreshPeriodNanoseconds`, so that their copies on a peer keep a recent last-seen time and are
/// not expired there. Used from one thread at a time.
public final class ConntrackChangeDetector {
    /// What one pass found.
    public struct Changes: Sendable {
        /// New and changed entries, in slot order, as read in this pass.
        public var upserted: [ConntrackTable.Entry] = []
        /// Entries that were reported before and are gone, with the slot they were in.
        public var deleted: [(slot: UInt32, key: slb_ct_key)] = []

        public var isEmpty: Bool { upserted.isEmpty && deleted.isEmpty }
    }

    public let table: ConntrackTable
    /// A busy flow is reported again when its last-seen time enters a new period of this length.
    public let refreshPeriodNanoseconds: UInt64
    // Per slot: the control word and fingerprint last reported (0: nothing LIVE reported there).
    private var controls: [UInt64]
    private var digests: [UInt64]
    // Only for slots holding a reported flow: what a delete must name once the slot is reused.
    private var keys: [UInt32: slb_ct_key] = [:]

    /// A detector that has reported nothing yet: its first pass reports every LIVE entry.
    public init(table: ConntrackTable, refreshPeriodNanoseconds: UInt64 = 5_000_000_000) {
        self.table = table
        self.refreshPeriodNanoseconds = refreshPeriodNanoseconds
        controls = [UInt64](repeating: 0, count: Int(table.elementCount))
        digests = [UInt64](repeating: 0, count: Int(table.elementCount))
    }

    /// The flows reported and not deleted since.
    public var trackedCount: Int { keys.count }

    /// Compares the table with what was reported last and returns the difference, which then counts
    /// as reported.
    public func scan() -> Changes {
        var changes = Changes()
        let count = table.elementCount
        var index: UInt32 = 1
        while index < count {
            examine(index, into: &changes)
            index += 1
        }
        return changes
    }

    /// Compares only the slots `indices` (the datapath's new entries, `ConntrackEvents`) with what
    /// was reported last, as `scan()` does for all: the next pass then reports them no more.
    public func check(slots indices: [UInt32]) -> Changes {
        var changes = Changes()
        for index in indices where index >= 1 && index < table.elementCount {
            examine(index, into: &changes)
        }
        return changes
    }

    private func examine(_ index: UInt32, into changes: inout Changes) {
        let control = slb_ct_user_ctl(table.slots + Int(index))
        let old = controls[Int(index)]
        if control & SLB_CT_STATE_MASK == UInt64(SLB_CT_SLOT_LIVE) {
            let digest = slb_ct_user_sync_digest(table.slots, index, refreshPeriodNanoseconds)
            if control != old || digest != digests[Int(index)] {
                report(index: index, old: old, digest: digest, into: &changes)
            }
        } else if old != 0 {
            forget(index: index, into: &changes)
        }
    }

    /// Forgets everything reported: the next pass reports every LIVE entry again.
    public func reset() {
        for index in controls.indices {
            controls[index] = 0
            digests[index] = 0
        }
        keys.removeAll()
    }

    private func report(index: UInt32, old: UInt64, digest: UInt64, into changes: inout Changes) {
        guard let entry = table.entry(atSlot: index) else {
            // Changed while being copied: gone (or going) now; the next pass looks again.
            if old != 0 { forget(index: index, into: &changes) }
            return
        }
        // Another generation is another flow that reused the slot: the old one was deleted.
        if old != 0 && old != entry.control, let previous = keys[index], !previous.isSame(as: entry.key) {
            changes.deleted.append((index, previous))
        }
        controls[Int(index)] = entry.control
        digests[Int(index)] = digest
        keys[index] = entry.key
        changes.upserted.append(entry)
    }

    private func forget(index: UInt32, into changes: inout Changes) {
        if let key = keys.removeValue(forKey: index) { changes.deleted.append((index, key)) }
        controls[Int(index)] = 0
        digests[Int(index)] = 0
    }
}
