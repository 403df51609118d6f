import BPFLoader
import SwiftLBABI
import SwiftLBCore

/// GTP-U sessions' maps (bpf/lib/gtpu.h, swiftlb_gtpu.h), written as a whole: the entries of
/// `sessions` are written first, then what no session wants any more is deleted, then the
/// entry programs' SLB_CFG_GTPU flag says whether any session exists.
extension EBPFDatapath {
    /// Programs `sessions` (keyed by session id, 1 ..< SLB_GTP_MAX_SESSIONS; IPv4 only) and
    /// zeroes the counters of `resetCounters`.
    public func programGTPSessions(_ sessions: [UInt32: GTPSession], resetCounters: [UInt32] = []) throws(BPFError) {
        let uplink: BPFMap<slb_gtp_ul_key, slb_gtp_ul_val> = try object.map(named: SLB_MAP_GTP_UL)
        let downlink: BPFMap<UInt32, slb_gtp_dl_val> = try object.map(named: SLB_MAP_GTP_DL)
        let classifiers: BPFMap<slb_gtp_ulcl_key, slb_gtp_ulcl_val> = try object.map(named: SLB_MAP_GTP_ULCL)
        let downlinkQFI: BPFMap<slb_gtp_dlqfi_key, slb_gtp_dlqfi_val> = try object.map(named: SLB_MAP_GTP_DLQFI)
        let stats: BPFPerCPUMap<UInt32, slb_gtp_stat> = try object.perCPUMap(named: SLB_MAP_GTP_STATS)
        for id in resetCounters { try stats.update(id, allCPUs: slb_gtp_stat()) }

        var wantUplink = Set<UInt64>()
        var wantDownlink = Set<UInt32>()
        var wantClassifiers = Set<UInt64>()
        var wantQFI = Set<UInt64>()
        for (id, session) in sessions {
            let ue = session.ueAddress.v4Word
            var ulKey = slb_gtp_ul_key()
            ulKey.teid = session.coreTunnel.teid.bigEndian
            ulKey.addr = session.coreTunnel.address.v4Word
            var ulValue = slb_gtp_ul_val()
            ulValue.sess_id = id
            ulValue.ue = ue
            try uplink.update(ulKey, ulValue)
            wantUplink.insert(Self.pair(ulKey.teid, ulKey.addr))

            var dlValue = slb_gtp_dl_val()
            dlValue.sess_id = id
            dlValue.an_teid = session.accessTunnel.teid.bigEndian
            dlValue.an_addr = session.accessTunnel.address.v4Word
            dlValue.cn_addr = session.coreTunnel.address.v4Word
            dlValue.qfi = GTPSession.defaultQFI
            try downlink.update(ue, dlValue)
            wantDownlink.insert(ue)

            for classifier in session.classifiers {
                var clKey = slb_gtp_ulcl_key()
                clKey.ue = ue
                clKey.qfi = classifier.qfi
                var clValue = slb_gtp_ulcl_val()
                clValue.addr = classifier.address.v4Word
                clValue.sess_id = id
                try classifiers.update(clKey, clValue)
                wantClassifiers.insert(Self.pair(ue, UInt32(classifier.qfi)))

                var qKey = slb_gtp_dlqfi_key()
                qKey.ue = ue
                qKey.peer = classifier.address.v4Word
                var qValue = slb_gtp_dlqfi_val()
                qValue.qfi = classifier.qfi
                try downlinkQFI.update(qKey, qValue)
                wantQFI.insert(Self.pair(ue, qKey.peer))
            }
        }
        for key in try uplink.keys() where !wantUplink.contains(Self.pair(key.teid, key.addr)) {
            _ = try uplink.delete(key)
        }
        for key in try downlink.keys() where !wantDownlink.contains(key) { _ = try downlink.delete(key) }
        for key in try classifiers.keys() where !wantClassifiers.contains(Self.pair(key.ue, UInt32(key.qfi))) {
            _ = try classifiers.delete(key)
        }
        for key in try downlinkQFI.keys() where !wantQFI.contains(Self.pair(key.ue, key.peer)) {
            _ = try downlinkQFI.delete(key)
        }
        try ConfigFlags.set(UInt32(SLB_CFG_GTPU.rawValue), !sessions.isEmpty, in: config)
    }

    /// Points the GTPU stage at the resegmenting veth pair (`GSOResegmentPair`) whose receiving
    /// end has the MAC `inMAC`, or, with nil, at none: GSO packets of sessions are then dropped
    /// and counted (`drop_gtpu_gso`).
    public func programGTPResegmentPair(
        _ indexes: GSOResegmentPair.Indexes?, inMAC: [UInt8] = GSOResegmentPair.inMAC
    ) throws(BPFError) {
        let map: BPFMap<UInt32, slb_gtp_gso> = try object.map(named: SLB_MAP_GTP_GSO)
        var value = slb_gtp_gso()
        value.out_ifindex = UInt32(indexes?.out ?? 0)
        value.in_ifindex = UInt32(indexes?.in ?? 0)
        withUnsafeMutableBytes(of: &value.in_mac) { buffer in
            for (index, byte) in inMAC.prefix(buffer.count).enumerated() { buffer[index] = byte }
        }
        try map.update(0, value)
    }

    /// The counters of session `ids` (summed over CPUs); ids without counters are left out.
    public func readGTPSessionCounters(ids: [UInt32]) throws(BPFError) -> [UInt32: GTPSessionCounter] {
        let stats: BPFPerCPUMap<UInt32, slb_gtp_stat> = try object.perCPUMap(named: SLB_MAP_GTP_STATS)
        var result: [UInt32: GTPSessionCounter] = [:]
        for id in ids {
            guard let perCPU = try stats.lookup(id) else { continue }
            result[id] = GTPSessionCounter(
                uplinkPackets: perCPU.reduce(0) { $0 &+ $1.ul_packets },
                uplinkBytes: perCPU.reduce(0) { $0 &+ $1.ul_bytes },
                downlinkPackets: perCPU.reduce(0) { $0 &+ $1.dl_packets },
                downlinkBytes: perCPU.reduce(0) { $0 &+ $1.dl_bytes })
        }
        return result
    }

    private static func pair(_ high: UInt32, _ low: UInt32) -> UInt64 { UInt64(high) << 32 | UInt64(low) }
}

extension EBPFDatapath: GTPSessionDatapath {
    public func applyGTPSessions(_ sessions: [UInt32: GTPSession], resetCounters: [UInt32]) async throws(DatapathError)
    {
        do {
            try programGTPSessions(sessions, resetCounters: resetCounters)
        } catch {
            throw DatapathError(error)
        }
    }

    public func gtpSessionCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: GTPSessionCounter] {
        do {
            return try readGTPSessionCounters(ids: ids)
        } catch {
            throw DatapathError(error)
        }
    }
}

extension IPAddress {
    /// An IPv4 address as one network-order word (0 for IPv6, which sessions refuse).
    var v4Word: UInt32 {
        if case .v4(let value) = self { return value.bigEndian }
        return 0
    }
}
