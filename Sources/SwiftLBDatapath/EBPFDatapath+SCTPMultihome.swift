import BPFLoader
import SwiftLBABI
import SwiftLBCore

extension slb_sctp_mh {
    /// The VIP set of `service` (primary first) when it is a multihomed IPv4 SCTP service, else nil.
    init?(_ service: DatapathService) {
        let vips = [service.key.vip] + service.secondaryVIPs
        guard service.key.proto == .sctp, vips.count > 1, vips.count <= Int(SLB_SCTP_MH_MAX_VIPS),
            vips.allSatisfy(\.isV4)
        else { return nil }
        self.init()
        count = UInt32(vips.count)
        withUnsafeMutableBytes(of: &vip) { raw in
            for (index, address) in vips.enumerated() {
                raw.storeBytes(of: address.abiWords.0, toByteOffset: 4 * index, as: UInt32.self)
            }
        }
    }
}

/// SCTP multihoming (bpf/lib/sctp_mh.h): the VIP set of each multihomed SCTP service, which the
/// datapath reads to rewrite INIT and INIT ACK address parameters and to create secondary paths.
extension EBPFDatapath {
    /// The VIP-set map, or nil for an object built without multihoming (an older build under test).
    private func multihomeMap() throws(BPFError) -> BPFMap<UInt32, slb_sctp_mh>? {
        guard object.hasMap(named: SLB_MAP_SCTP_MH) else { return nil }
        return try object.map(named: SLB_MAP_SCTP_MH)
    }

    /// Writes (or removes) the VIP set of `service`. Returns what the map held before, for a rollback.
    func writeMultihome(_ service: DatapathService) throws -> slb_sctp_mh? {
        guard let map = try multihomeMap() else { return nil }
        let previous = try map.lookup(service.id)
        if let value = slb_sctp_mh(service) {
            try map.update(service.id, value)
        } else if previous != nil {
            _ = try map.delete(service.id)
        }
        return previous
    }

    /// Puts back what `writeMultihome` replaced.
    func restoreMultihome(id: UInt32, _ previous: slb_sctp_mh?) {
        guard let map = try? multihomeMap() else { return }
        if let previous { try? map.update(id, previous) } else { _ = try? map.delete(id) }
    }

    /// Removes the VIP set of service `id`.
    func removeMultihome(id: UInt32) throws {
        guard let map = try multihomeMap() else { return }
        _ = try map.delete(id)
    }
}
