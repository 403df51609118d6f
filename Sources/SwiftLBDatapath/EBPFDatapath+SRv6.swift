import BPFLoader
import SwiftLBABI
import SwiftLBCore

/// SRv6 (swiftlb_srv6.h): the encapsulation of each endpoint slot with segments (slb_srv6_path,
/// keyed like the endpoint maps) and the SIDs the datapath decapsulates (slb_srv6_sid).
///
/// The paths are written before the service keys that lead new flows to them and deleted after;
/// a SID stays while any service uses it. What was written is read back from the paths (their
/// outer source is the service's SID), so a restarted daemon knows it without another table.
extension EBPFDatapath {
    /// Writes the paths of `slots` of service `id` and its SID `sid`; deletes the paths of slots
    /// that no longer have segments. Does nothing for a service that never had SRv6.
    func writeSRv6(id: UInt32, slots: [DatapathEndpoint?], sid: IPAddress?) throws(BPFError) {
        let (previousSlots, previousSID) = written.withLock { ($0.srv6Slots[id] ?? [], $0.srv6SIDs[id]) }
        let wanted = Set(slots.indices.filter { !(slots[$0]?.segments.isEmpty ?? true) })
        guard sid != nil || !previousSlots.isEmpty || previousSID != nil else { return }
        let paths: BPFMap<UInt32, slb_srv6_path> = try object.map(named: SLB_MAP_SRV6_PATH)
        if let sid {
            // Before the first path: a flow that finds its path must also find the flag.
            if !wanted.isEmpty { try ConfigFlags.set(UInt32(SLB_CFG_SRV6.rawValue), true, in: config) }
            let sids: BPFMap<slb_srv6_sid, UInt32> = try object.map(named: SLB_MAP_SRV6_SID)
            try sids.update(slb_srv6_sid(sid), 1)
            for slot in wanted.sorted() {
                guard let endpoint = slots[slot] else { continue }
                let encapsulation = SRv6Encapsulation(
                    source: sid, segments: endpoint.segments, innerIPv4: endpoint.address.isV4)
                try paths.update(Self.endpointKey(id, slot), slb_srv6_path(encapsulation))
            }
        }
        let kept = sid == nil ? [] : wanted
        for slot in previousSlots.subtracting(kept) { _ = try paths.delete(Self.endpointKey(id, slot)) }
        let anyPath = written.withLock {
            $0.srv6Slots[id] = kept.isEmpty ? nil : kept
            $0.srv6SIDs[id] = sid
            return !$0.srv6Slots.isEmpty
        }
        // After the last path is gone: the programs stop looking for paths.
        if !anyPath { try ConfigFlags.set(UInt32(SLB_CFG_SRV6.rawValue), false, in: config) }
        if let previousSID, previousSID != sid { try releaseSID(previousSID) }
    }

    /// Deletes the paths and (when no other service uses it) the SID of service `id`.
    func removeSRv6(id: UInt32) throws(BPFError) {
        try writeSRv6(id: id, slots: [], sid: nil)
    }

    /// Deletes `sid` from the datapath unless a service still uses it.
    private func releaseSID(_ sid: IPAddress) throws(BPFError) {
        guard !written.withLock({ $0.srv6SIDs.values.contains(sid) }) else { return }
        let sids: BPFMap<slb_srv6_sid, UInt32> = try object.map(named: SLB_MAP_SRV6_SID)
        _ = try sids.delete(slb_srv6_sid(sid))
    }

    /// The segments written for the slots of service `id` (by slot) and its SID, read back from the
    /// paths; empty and nil for a service without SRv6.
    func readSRv6(id: UInt32) throws(BPFError) -> (segments: [Int: [IPAddress]], sid: IPAddress?) {
        let slots = written.withLock { $0.srv6Slots[id] ?? [] }
        guard !slots.isEmpty else { return ([:], nil) }
        let paths: BPFMap<UInt32, slb_srv6_path> = try object.map(named: SLB_MAP_SRV6_PATH)
        var segments: [Int: [IPAddress]] = [:]
        var sid: IPAddress?
        for slot in slots {
            guard let path = try paths.lookup(Self.endpointKey(id, slot)), let decoded = path.encapsulation else {
                continue
            }
            segments[slot] = decoded.segments
            sid = decoded.source
        }
        return (segments, sid)
    }

    /// Rebuilds what `writeSRv6` remembers from the paths in the maps (at load), and deletes SIDs
    /// that no path uses any more.
    func readWrittenSRv6(into entries: inout WrittenEntries) throws(BPFError) {
        let paths: BPFMap<UInt32, slb_srv6_path> = try object.map(named: SLB_MAP_SRV6_PATH)
        for key in try paths.keys(limit: Int(SLB_SRV6_PATHS)) {
            guard let path = try paths.lookup(key), let decoded = path.encapsulation else { continue }
            let id = key / UInt32(SLB_MAX_ENDPOINTS)
            entries.srv6Slots[id, default: []].insert(Int(key % UInt32(SLB_MAX_ENDPOINTS)))
            entries.srv6SIDs[id] = decoded.source
        }
        let sids: BPFMap<slb_srv6_sid, UInt32> = try object.map(named: SLB_MAP_SRV6_SID)
        let used = Set(entries.srv6SIDs.values)
        for key in try sids.keys(limit: Int(SLB_SRV6_SIDS)) {
            guard let sid = IPAddress(abiWords: key.addr, family: UInt8(SLB_AF_INET6)), !used.contains(sid) else {
                continue
            }
            _ = try sids.delete(key)
        }
    }
}

extension slb_srv6_sid {
    init(_ sid: IPAddress) {
        self.init()
        addr = sid.abiWords
    }
}

extension slb_srv6_path {
    init(_ encapsulation: SRv6Encapsulation) {
        self.init()
        let bytes = encapsulation.bytes
        len = UInt16(bytes.count)
        segs = UInt8(encapsulation.segments.count)
        family = encapsulation.innerIPv4 ? UInt8(SLB_AF_INET) : UInt8(SLB_AF_INET6)
        withUnsafeMutableBytes(of: &hdr) { raw in
            for (index, byte) in bytes.prefix(raw.count).enumerated() { raw[index] = byte }
        }
    }

    /// The encapsulation these headers hold; nil for a malformed value.
    var encapsulation: SRv6Encapsulation? {
        var copy = hdr
        let count = Int(len)
        let bytes = withUnsafeBytes(of: &copy) { Array($0.prefix(count)) }
        guard bytes.count == count else { return nil }
        return SRv6Encapsulation(bytes: bytes)
    }
}
