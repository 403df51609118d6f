/// Where a service's endpoints sit in the datapath's fixed slots.
///
/// Slots are stable: an endpoint that stays in a service keeps its slot when others are added or
/// removed, so the per-endpoint counters, the open-flow counts and the conntrack entries (which
/// record the slot of their endpoint) stay attributed to the right endpoint. A removed endpoint
/// leaves a hole (nil). New endpoints take fresh slots at the end while there are any, so that
/// the flows a removed endpoint still has (conntrack keeps them) are never counted for a newcomer;
/// only when all `maxSlots` slots have been used is the first hole reused.
public enum SlotLayout {
    /// The slots for `desired` given the `previous` layout (nil entries are holes). Endpoints are
    /// matched by address and port; weight and active flag come from `desired`. The result has at
    /// most `maxSlots` entries unless `desired` itself has more.
    public static func assign(
        desired: [DatapathEndpoint], previous: [DatapathEndpoint?], maxSlots: Int = Limits.maxEndpointsPerService
    ) -> [DatapathEndpoint?] {
        let same = { (a: DatapathEndpoint?, b: DatapathEndpoint) in a?.address == b.address && a?.port == b.port }
        var slots: [DatapathEndpoint?] = previous.map { old in desired.first { same(old, $0) } }
        for endpoint in desired where !slots.contains(where: { same($0, endpoint) }) {
            if slots.count < maxSlots {
                slots.append(endpoint)
            } else if let hole = slots.firstIndex(where: { $0 == nil }) {
                slots[hole] = endpoint
            } else {
                slots.append(endpoint)
            }
        }
        if slots.allSatisfy({ $0 == nil }) { return [] }
        return slots
    }

    /// The endpoints of `slots` in the canonical order (address, then port), as rules list them.
    public static func canonical(_ slots: [DatapathEndpoint?]) -> [DatapathEndpoint] {
        slots.compactMap { $0 }.sorted { ($0.address, $0.port) < ($1.address, $1.port) }
    }
}

extension DatapathService {
    /// The lookup table the datapath indexes for this service's algorithm, given where its
    /// endpoints sit (`slots`), or nil when the algorithm needs none (rr, lc). Only active
    /// endpoints appear; buckets hold slot indexes, `UInt16.max` when no endpoint is active.
    /// `hash`, `persist` and `n3` use a weighted Maglev table (indexed by a hash of the 5-tuple, of the
    /// client address or of the GTP-U tunnel id), `priority` a smooth weighted sequence walked by a cursor.
    public func selectionTable(slots: [DatapathEndpoint?], size: Int = MaglevTable.defaultSize) -> [UInt16]? {
        let members = slots.enumerated().compactMap { index, endpoint -> MaglevTable.Member? in
            guard let endpoint, endpoint.active else { return nil }
            return MaglevTable.Member(
                name: "\(endpoint.address):\(endpoint.port)", weight: UInt32(endpoint.weight), slot: UInt16(index))
        }
        switch selection {
        case .hash, .persist, .n3: return MaglevTable.build(members, size: size)
        case .priority: return WeightedSequence.build(members, length: size)
        case .roundRobin, .leastConnections, .n2: return nil
        }
    }
}
