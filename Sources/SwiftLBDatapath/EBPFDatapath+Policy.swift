import BPFLoader
import SwiftLBABI
import SwiftLBCore

/// The policers' maps (bpf/lib/policer.h): parameters and full buckets for new or changed
/// policers first, then the attachments, then the slb_config flag that makes packets look.
extension EBPFDatapath {
    /// Writes what differs between `old` (what the maps hold) and `new`.
    public func writePolicies(from old: PolicyDatapathState, to new: PolicyDatapathState) throws(BPFError) {
        let configs: BPFMap<UInt32, slb_pol_cfg> = try object.map(named: SLB_MAP_POL_CFG)
        let states: BPFMap<UInt32, slb_pol_state> = try object.map(named: SLB_MAP_POL_STATE)
        let stats: BPFPerCPUMap<UInt32, slb_pol_stat> = try object.perCPUMap(named: SLB_MAP_POL_STATS)
        let services: BPFMap<UInt32, UInt32> = try object.map(named: SLB_MAP_POL_SVC)
        let ports: BPFMap<UInt32, UInt32> = try object.map(named: SLB_MAP_POL_PORT)
        for (id, parameters) in new.policers where old.policers[id] != parameters {
            if old.policers[id] == nil { try stats.update(id, allCPUs: slb_pol_stat()) }
            try states.update(id, slb_pol_state(full: parameters))
            try configs.update(id, slb_pol_cfg(parameters))
        }
        for (service, id) in new.services where old.services[service] != id { try services.update(service, id) }
        for (index, id) in new.ports where old.ports[index] != id { try ports.update(index, id) }
        for service in old.services.keys where new.services[service] == nil { _ = try services.delete(service) }
        for index in old.ports.keys where new.ports[index] == nil { _ = try ports.delete(index) }
        for id in old.policers.keys where new.policers[id] == nil { try configs.update(id, slb_pol_cfg()) }
        try setPoliceFlag(new.enabled)
    }

    /// Empties the attachments a previous daemon left and turns policing off.
    public func clearPolicies() throws(BPFError) {
        let services: BPFMap<UInt32, UInt32> = try object.map(named: SLB_MAP_POL_SVC)
        let ports: BPFMap<UInt32, UInt32> = try object.map(named: SLB_MAP_POL_PORT)
        try setPoliceFlag(false)
        for key in try services.keys() { _ = try services.delete(key) }
        for key in try ports.keys() { _ = try ports.delete(key) }
    }

    /// Counters of the policers `ids`, summed over the CPUs.
    public func readPolicerCounters(ids: [UInt32]) throws(BPFError) -> [UInt32: PolicyStats] {
        let stats: BPFPerCPUMap<UInt32, slb_pol_stat> = try object.perCPUMap(named: SLB_MAP_POL_STATS)
        var result: [UInt32: PolicyStats] = [:]
        for id in ids {
            guard let perCPU = try stats.lookup(id) else { continue }
            var sum = PolicyStats()
            for cpu in perCPU {
                sum.greenPackets &+= cpu.packets.0
                sum.yellowPackets &+= cpu.packets.1
                sum.redPackets &+= cpu.packets.2
                sum.greenBytes &+= cpu.bytes.0
                sum.yellowBytes &+= cpu.bytes.1
                sum.redBytes &+= cpu.bytes.2
            }
            result[id] = sum
        }
        return result
    }

    private func setPoliceFlag(_ on: Bool) throws(BPFError) {
        try ConfigFlags.set(UInt32(SLB_CFG_POLICE.rawValue), on, in: config)
    }
}

extension slb_pol_cfg {
    init(_ parameters: PolicerParameters) {
        self.init()
        cir = parameters.committedRate
        pir = parameters.peakRate
        cbs = parameters.committedBucket
        ebs = parameters.excessBucket
        type = UInt8(parameters.kind == .srTCM ? SLB_POL_SRTCM.rawValue : SLB_POL_TRTCM.rawValue)
        color_aware = parameters.colorAware ? 1 : 0
    }
}

extension slb_pol_state {
    /// Both buckets full, the clock not started.
    init(full parameters: PolicerParameters) {
        self.init()
        tc = parameters.committedBucket
        // srTCM's excess bucket starts full too (RFC 2697: Te(0) = EBS).
        te = parameters.excessBucket
    }
}
