import SwiftLBABI
import SwiftLBCore
import SwiftLBDatapath

/// Conntrack entries for the sync tests: the two entries of a full NAT flow, as the datapath
/// writes them (ct.h slb_ct_create_snat).
enum SyncTestFlows {
    static let vip: UInt32 = 0x0a0a_6401
    static let endpoint: UInt32 = 0x0a0a_020a
    static let service = ServiceKey(vip: .v4(vip), port: 80, proto: .tcp)

    static func key(_ source: UInt32, _ sport: UInt16, _ destination: UInt32, _ dport: UInt16) -> slb_ct_key {
        var key = slb_ct_key()
        key.saddr = IPAddress.v4(source).abiWords
        key.daddr = IPAddress.v4(destination).abiWords
        key.sport = sport.bigEndian
        key.dport = dport.bigEndian
        key.proto = 6
        key.family = 2
        return key
    }

    /// Forward and reply entries of client `client`:`sport` -> VIP:80, source port `natPort`.
    static func fullNAT(
        client: UInt32 = 0x0a0a_0102, sport: UInt16, natPort: UInt16, serviceID: UInt32, now: UInt64,
        state: UInt8 = UInt8(SLB_CT_ESTABLISHED.rawValue)
    ) -> [(key: slb_ct_key, value: slb_ct_val)] {
        var forward = slb_ct_val()
        forward.nat.saddr = IPAddress.v4(vip).abiWords
        forward.nat.sport = natPort.bigEndian
        forward.nat.daddr = IPAddress.v4(endpoint).abiWords
        forward.nat.dport = UInt16(8080).bigEndian
        forward.nat.flags = UInt8(SLB_NAT_SRC.rawValue | SLB_NAT_DST.rawValue)
        forward.nat.family = 2
        forward.last_seen_ns = now
        forward.packets = 3
        forward.bytes = 180
        forward.svc_id = serviceID
        forward.ep_idx = 2
        forward.state = state
        forward.dir = UInt8(SLB_DIR_FWD.rawValue)
        var reply = forward
        reply.nat.saddr = IPAddress.v4(vip).abiWords
        reply.nat.sport = UInt16(80).bigEndian
        reply.nat.daddr = IPAddress.v4(client).abiWords
        reply.nat.dport = sport.bigEndian
        reply.dir = UInt8(SLB_DIR_REV.rawValue)
        return [
            (key(client, sport, vip, 80), forward),
            (key(endpoint, 8080, vip, natPort), reply),
        ]
    }

    /// A small table in ordinary memory (144 slots).
    static func table() -> ConntrackTable {
        ConntrackTable(inMemoryElements: ConntrackTable.mapElements(forEntries: 64))!
    }

    static func write(_ entries: [(key: slb_ct_key, value: slb_ct_val)], to table: ConntrackTable) throws {
        for entry in entries { try table.update(entry.key, entry.value) }
    }
}
