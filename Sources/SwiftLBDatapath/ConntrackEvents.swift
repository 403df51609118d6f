import BPFLoader
import SwiftLBABI

/// The slots of new conntrack entries as the datapath writes them (slb_ct_events), for conntrack
/// sync: a new flow reaches the peers within a wake-up of the sync thread rather than at its next
/// pass over the table. The datapath writes records only while a reader is open (the
/// SLB_CFG_CT_EVENTS flag); `close()` stops them. Used from one thread at a time.
public final class ConntrackEvents: @unchecked Sendable {
    private let ring: BPFRingBuffer
    private let config: BPFMap<UInt32, slb_config>
    /// Polls readable while records wait.
    public var pollFD: Int32 { ring.pollFD }

    init(ring: BPFRingBuffer, config: BPFMap<UInt32, slb_config>) throws(BPFError) {
        self.ring = ring
        self.config = config
        try setFlag(true)
    }

    /// The slots written since the last call, oldest first (a slot may repeat).
    public func drain(into slots: inout [UInt32]) {
        ring.drain { record in
            guard record.count >= MemoryLayout<slb_ct_event>.size else { return }
            slots.append(record.loadUnaligned(as: slb_ct_event.self).slot)
        }
    }

    /// Stops the datapath's records (what waits is left to be dropped with the reader).
    public func close() {
        try? setFlag(false)
    }

    private func setFlag(_ on: Bool) throws(BPFError) {
        try ConfigFlags.set(UInt32(SLB_CFG_CT_EVENTS.rawValue), on, in: config)
    }
}

extension EBPFDatapath {
    /// Opens a reader of the new conntrack entries' slots and turns the datapath's records on.
    public func conntrackEvents() throws(BPFError) -> ConntrackEvents {
        let ring = try BPFRingBuffer(
            mapFD: object.mapFD(named: SLB_MAP_CT_EVENTS), name: SLB_MAP_CT_EVENTS)
        return try ConntrackEvents(ring: ring, config: config)
    }
}
