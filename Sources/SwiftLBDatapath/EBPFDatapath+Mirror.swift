import BPFLoader
import SwiftLBABI
import SwiftLBCore

/// Mirroring's maps (bpf/lib/mirror.h).
extension EBPFDatapath: MirrorDatapath {
    public func applyMirrors(_ attachments: MirrorAttachments) async throws(DatapathError) {
        do {
            try writeMirrors(attachments)
        } catch {
            throw DatapathError(error)
        }
    }

    public func resetMirrorCounters(id: UInt32) async throws(DatapathError) {
        do {
            let stats: BPFPerCPUMap<UInt32, slb_mirror_stat> = try object.perCPUMap(named: SLB_MAP_MIRROR_STATS)
            try stats.update(id, allCPUs: slb_mirror_stat())
        } catch {
            throw DatapathError(error)
        }
    }

    public func mirrorCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: MirrorCounter] {
        do {
            let stats: BPFPerCPUMap<UInt32, slb_mirror_stat> = try object.perCPUMap(named: SLB_MAP_MIRROR_STATS)
            var result: [UInt32: MirrorCounter] = [:]
            for id in ids {
                guard let perCPU = try stats.lookup(id) else { continue }
                result[id] = MirrorCounter(
                    packets: perCPU.reduce(0) { $0 &+ $1.packets }, bytes: perCPU.reduce(0) { $0 &+ $1.bytes },
                    failures: perCPU.reduce(0) { $0 &+ $1.failures })
            }
            return result
        } catch {
            throw DatapathError(error)
        }
    }

    /// Writes exactly `attachments`: entries before the flag that makes the datapath look at
    /// them; with none left, the flag off before the entries go.
    func writeMirrors(_ attachments: MirrorAttachments) throws(BPFError) {
        let ports: BPFMap<UInt32, slb_mirror_target> = try object.map(named: SLB_MAP_MIRROR_PORT)
        let services: BPFMap<UInt32, slb_mirror_target> = try object.map(named: SLB_MAP_MIRROR_SVC)
        if attachments.isEmpty { try setMirrorFlag(false) }
        for (key, target) in attachments.ports { try ports.update(key, slb_mirror_target(target)) }
        for (key, target) in attachments.services { try services.update(key, slb_mirror_target(target)) }
        for key in try ports.keys() where attachments.ports[key] == nil { _ = try ports.delete(key) }
        for key in try services.keys() where attachments.services[key] == nil { _ = try services.delete(key) }
        if !attachments.isEmpty { try setMirrorFlag(true) }
    }

    private func setMirrorFlag(_ on: Bool) throws(BPFError) {
        try ConfigFlags.set(UInt32(SLB_CFG_MIRROR), on, in: config)
    }
}

extension slb_mirror_target {
    init(_ target: MirrorTarget) {
        self.init()
        ifindex = target.ifindex
        id = target.id
        switch target.destination {
        case .span:
            kind = UInt8(SLB_MIRROR_SPAN.rawValue)
        case .rspan(_, let vlan):
            kind = UInt8(SLB_MIRROR_RSPAN.rawValue)
            self.vlan = vlan
        case .erspan(let remote, let source, let session):
            kind = UInt8(SLB_MIRROR_ERSPAN.rawValue)
            self.remote = remote.abiWords.0
            self.source = source.abiWords.0
            self.session = session
        }
    }
}
