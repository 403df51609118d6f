import BPFLoader
import SwiftLBABI
import SwiftLBCore

extension slb_sctp_mh {
    /// The VIP set of `service` (primary first) when it is a multihomed IPv4 SCTP service, else nil.
    init?(_ service: DatapathService) {
        guard let vips = MultihomeSnapshot.vipSet(service, v4: true) else { return nil }
        self.init()
        count = UInt32(vips.count)
        withUnsafeMutableBytes(of: &vip) { raw in
            for (index, address) in vips.enumerated() {
                raw.storeBytes(of: address.abiWords.0, toByteOffset: 4 * index, as: UInt32.self)
            }
        }
    }
}

extension slb_sctp_mh6 {
    /// The VIP set of `service` (primary first) when it is a multihomed IPv6 SCTP service, else nil.
    init?(_ service: DatapathService) {
        guard let vips = MultihomeSnapshot.vipSet(service, v4: false) else { return nil }
        self.init()
        count = UInt32(vips.count)
        withUnsafeMutableBytes(of: &vip) { raw in
            for (index, address) in vips.enumerated() {
                withUnsafeBytes(of: address.abiWords) { words in
                    raw.baseAddress!.advanced(by: 16 * index).copyMemory(from: words.baseAddress!, byteCount: 16)
                }
            }
        }
    }
}

/// What the two VIP-set maps held for one service before a write, for a rollback.
struct MultihomeSnapshot {
    var v4: slb_sctp_mh?
    var v6: slb_sctp_mh6?

    /// The VIPs of `service` (primary first) when it is a multihomed SCTP service of the family asked for.
    static func vipSet(_ service: DatapathService, v4: Bool) -> [IPAddress]? {
        let vips = [service.key.vip] + service.secondaryVIPs
        guard service.key.proto == .sctp, vips.count > 1, vips.count <= Int(SLB_SCTP_MH_MAX_VIPS),
            vips.allSatisfy({ $0.isV4 == v4 })
        else { return nil }
        return vips
    }
}

/// SCTP multihoming (bpf/lib/sctp_mh.h, sctp_mh6.h): the VIP set of each multihomed SCTP service,
/// which the datapath reads to rewrite INIT and INIT ACK address parameters and to create
/// secondary paths. IPv4 services in slb_sctp_mh, IPv6 ones in slb_sctp_mh6.
extension EBPFDatapath {
    /// The IPv4 VIP-set map, or nil for an object built without multihoming (an older build under test).
    private func multihomeMap() throws(BPFError) -> BPFMap<UInt32, slb_sctp_mh>? {
        guard object.hasMap(named: SLB_MAP_SCTP_MH) else { return nil }
        return try object.map(named: SLB_MAP_SCTP_MH)
    }

    /// The IPv6 VIP-set map, or nil for an object built without IPv6 multihoming.
    private func multihomeMap6() throws(BPFError) -> BPFMap<UInt32, slb_sctp_mh6>? {
        guard object.hasMap(named: SLB_MAP_SCTP_MH6) else { return nil }
        return try object.map(named: SLB_MAP_SCTP_MH6)
    }

    /// Writes (or removes) the VIP set of `service` in both maps. Returns what they held before, for
    /// a rollback.
    func writeMultihome(_ service: DatapathService) throws -> MultihomeSnapshot {
        var previous = MultihomeSnapshot()
        if let map = try multihomeMap() {
            previous.v4 = try map.lookup(service.id)
            if let value = slb_sctp_mh(service) {
                try map.update(service.id, value)
            } else if previous.v4 != nil {
                _ = try map.delete(service.id)
            }
        }
        if let map = try multihomeMap6() {
            previous.v6 = try map.lookup(service.id)
            if let value = slb_sctp_mh6(service) {
                try map.update(service.id, value)
            } else if previous.v6 != nil {
                _ = try map.delete(service.id)
            }
        }
        return previous
    }

    /// Puts back what `writeMultihome` replaced.
    func restoreMultihome(id: UInt32, _ previous: MultihomeSnapshot?) {
        if let map = try? multihomeMap() {
            if let value = previous?.v4 { try? map.update(id, value) } else { _ = try? map.delete(id) }
        }
        if let map = try? multihomeMap6() {
            if let value = previous?.v6 { try? map.update(id, value) } else { _ = try? map.delete(id) }
        }
    }

    /// Removes the VIP set of service `id`.
    func removeMultihome(id: UInt32) throws {
        if let map = try multihomeMap() { _ = try map.delete(id) }
        if let map = try multihomeMap6() { _ = try map.delete(id) }
    }
}
