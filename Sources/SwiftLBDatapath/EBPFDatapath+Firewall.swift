import BPFLoader
import SwiftLBABI
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// The firewall's maps (bpf/lib/fw.h): `FirewallTables` deltas written in the order that keeps
/// every lookup consistent (entries before the masks that reach them, masks before removals).
extension EBPFDatapath: FirewallDatapath {
    public func applyFirewall(_ delta: FirewallTables.Delta, resetCounters: [UInt32]) async throws(DatapathError) {
        do {
            try writeFirewall(delta, resetCounters: resetCounters)
        } catch {
            throw DatapathError(error)
        }
    }

    public func firewallCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: FirewallCounter] {
        do {
            let stats: BPFPerCPUMap<UInt32, slb_fw_stat> = try object.perCPUMap(named: SLB_MAP_FW_STATS)
            var result: [UInt32: FirewallCounter] = [:]
            for id in ids {
                guard let perCPU = try stats.lookup(id) else { continue }
                result[id] = FirewallCounter(
                    packets: perCPU.reduce(0) { $0 &+ $1.packets }, bytes: perCPU.reduce(0) { $0 &+ $1.bytes })
            }
            return result
        } catch {
            throw DatapathError(error)
        }
    }

    public func interfaceIndex(_ name: String) -> UInt32? {
        let index = if_nametoindex(name)
        return index == 0 ? nil : index
    }

    /// Empties the firewall maps: a previous daemon's entries may use other mask slots.
    public func clearFirewall() throws(BPFError) {
        let rules: BPFMap<slb_fw_key, slb_fw_val> = try object.map(named: SLB_MAP_FW_RULES)
        let tuples: BPFMap<UInt32, slb_fw_tuples> = try object.map(named: SLB_MAP_FW_TUPLES)
        try tuples.update(0, slb_fw_tuples())
        for key in try rules.keys() { _ = try rules.delete(key) }
        try ConfigFlags.set(UInt32(SLB_CFG_FW_EVERY.rawValue), false, in: config)
    }

    private func writeFirewall(_ delta: FirewallTables.Delta, resetCounters: [UInt32]) throws(BPFError) {
        let rules: BPFMap<slb_fw_key, slb_fw_val> = try object.map(named: SLB_MAP_FW_RULES)
        let tuples: BPFMap<UInt32, slb_fw_tuples> = try object.map(named: SLB_MAP_FW_TUPLES)
        let stats: BPFPerCPUMap<UInt32, slb_fw_stat> = try object.perCPUMap(named: SLB_MAP_FW_STATS)
        for id in resetCounters { try stats.update(id, allCPUs: slb_fw_stat()) }
        for (key, value) in delta.upserts { try rules.update(slb_fw_key(key), slb_fw_val(value)) }
        if let slots = delta.tuples { try tuples.update(0, slb_fw_tuples(slots)) }
        for key in delta.removals { _ = try rules.delete(slb_fw_key(key)) }
        if let on = delta.everyPacket { try ConfigFlags.set(UInt32(SLB_CFG_FW_EVERY.rawValue), on, in: config) }
    }
}

extension slb_fw_key {
    init(_ key: FirewallTables.Key) {
        self.init()
        saddr = key.source.abiWords
        daddr = key.destination.abiWords
        sport = key.sourcePort.bigEndian
        dport = key.destinationPort.bigEndian
        ifindex = key.ifindex
        proto = key.proto
        family = key.source.abiFamily
        tuple = UInt8(key.tuple)
    }
}

extension slb_fw_val {
    init(_ value: FirewallTables.Value) {
        self.init()
        rank = value.rank
        rule_id = value.ruleID
        mark = value.mark
        switch value.action {
        case .allow: action = UInt8(SLB_FW_ALLOW.rawValue)
        case .drop: action = UInt8(SLB_FW_DROP.rawValue)
        case .trap: action = UInt8(SLB_FW_TRAP.rawValue)
        case .redirect: action = UInt8(SLB_FW_REDIRECT.rawValue)
        case .snat(let address, let port, let onDefault):
            action = UInt8(SLB_FW_SNAT.rawValue)
            snat_addr = address.abiWords
            snat_port = port.bigEndian
            flags = onDefault ? UInt8(SLB_FW_F_DEFAULT.rawValue) : 0
        }
        if value.everyPacket { flags |= UInt8(SLB_FW_F_EVERY.rawValue) }
        redirect_ifindex = value.redirectIndex
    }
}

extension slb_fw_mask {
    init(_ tuple: FirewallTables.Tuple?) {
        self.init()
        guard let tuple else { return }
        smask = Self.words(bits: Int(tuple.sourceLength))
        dmask = Self.words(bits: Int(tuple.destinationLength))
        spmask = Self.portMask(bits: tuple.sourcePortLength)
        dpmask = Self.portMask(bits: tuple.destinationPortLength)
        proto_mask = tuple.matchesProto ? 0xff : 0
        match_if = tuple.matchesInterface ? 1 : 0
        family = tuple.v4 ? UInt8(SLB_AF_INET) : UInt8(SLB_AF_INET6)
    }

    /// A prefix mask of `bits` over the 16-byte slot, network byte order.
    static func words(bits: Int) -> AddressWords {
        func word(_ index: Int) -> UInt32 {
            let kept = max(0, min(32, bits - 32 * index))
            return (kept == 0 ? 0 : ~UInt32(0) << UInt32(32 - kept)).bigEndian
        }
        return (word(0), word(1), word(2), word(3))
    }

    static func portMask(bits: UInt8) -> UInt16 {
        (bits == 0 ? 0 : ~UInt16(0) << UInt16(16 - bits)).bigEndian
    }
}

extension slb_fw_tuples {
    init(_ slots: [FirewallTables.Tuple?]) {
        self.init()
        let used = (slots.lastIndex { $0 != nil } ?? -1) + 1
        count = UInt32(used)
        withUnsafeMutableBytes(of: &t) { raw in
            let masks = raw.bindMemory(to: slb_fw_mask.self)
            for (index, slot) in slots.prefix(Int(SLB_FW_MAX_TUPLES)).enumerated() { masks[index] = slb_fw_mask(slot) }
        }
    }
}
