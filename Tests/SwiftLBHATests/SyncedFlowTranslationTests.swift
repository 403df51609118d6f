import SwiftLBABI
import SwiftLBCore
import SwiftLBDatapath
import Testing

@testable import SwiftLBHA

@Suite("Conntrack entries to synced flows and back")
struct SyncedFlowTranslationTests {
    func bytes<T>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

    @Test("a full NAT flow's entries survive entry -> flow -> wire -> entry, under the receiver's service id")
    func fullNATRoundTrip() throws {
        let sender: UInt64 = 100_000_000_000
        let receiver: UInt64 = 7_000_000_000_000
        for entry in SyncTestFlows.fullNAT(sport: 40000, natPort: 33001, serviceID: 7, now: sender - 250_000_000) {
            let flow = try #require(
                SyncedFlow(key: entry.key, value: entry.value, service: SyncTestFlows.service, now: sender))
            #expect(flow.idleMilliseconds == 250)
            #expect(flow.service == SyncTestFlows.service)
            var reader = SyncFrameReader()
            reader.append(SyncCodec.encode(.upsert(flow)))
            guard case .upsert(let received) = try reader.next() else {
                Issue.record("not an upsert")
                return
            }
            #expect(bytes(received.conntrackKey) == bytes(entry.key))
            let value = received.conntrackValue(serviceID: 4, now: receiver)
            var expected = entry.value
            expected.svc_id = 4
            expected.last_seen_ns = receiver - 250_000_000
            #expect(bytes(value) == bytes(expected))
        }
    }

    @Test("an IPv6 entry keeps its family, tag and counters; a NAT64 rewrite keeps the rewrite's family")
    func ipv6AndNAT64() throws {
        var key = slb_ct_key()
        key.saddr = IPAddress("fd00:10:1::2")!.abiWords
        key.daddr = IPAddress("fd00:10:100::1")!.abiWords
        key.sport = UInt16(5000).bigEndian
        key.dport = UInt16(80).bigEndian
        key.proto = 132
        key.family = 10
        var value = slb_ct_val()
        value.nat.saddr = IPAddress.v4(0x0a0a_0201).abiWords
        value.nat.daddr = IPAddress.v4(0x0a0a_020a).abiWords
        value.nat.sport = UInt16(40001).bigEndian
        value.nat.dport = UInt16(8080).bigEndian
        value.nat.flags = UInt8(SLB_NAT_SRC.rawValue | SLB_NAT_DST.rawValue | SLB_NAT_AF.rawValue)
        value.nat.family = 2
        value.vtag = UInt32(0xdead_beef).bigEndian
        value.fin_dirs = 2
        value.state = UInt8(SLB_CT_ESTABLISHED.rawValue)
        value.packets = 1 << 40
        value.bytes = 1 << 50
        value.last_seen_ns = 10
        let service = ServiceKey(vip: IPAddress("fd00:10:100::1")!, port: 80, proto: .sctp)
        let flow = try #require(SyncedFlow(key: key, value: value, service: service, now: 10))
        #expect(flow.natSource == .v4(0x0a0a_0201))
        #expect(flow.verificationTag == 0xdead_beef)
        #expect(bytes(flow.conntrackKey) == bytes(key))
        let back = flow.conntrackValue(serviceID: 9, now: 10)
        value.svc_id = 9
        #expect(bytes(back) == bytes(value))
        #expect(SyncedFlowKey(key)?.conntrackKey.isSame(as: key) == true)
    }

    @Test("a persist entry round-trips with the receiver's service id and an age")
    func persistence() throws {
        var key = slb_persist_key()
        key.svc_id = 7
        key.addr = IPAddress.v4(0x0a0a_0102).abiWords
        key.family = 2
        var value = slb_persist_val()
        value.slot = 5
        value.last_seen_ns = 1_000_000_000
        let entry = try #require(
            SyncedPersistence(key: key, value: value, service: SyncTestFlows.service, now: 3_000_000_000))
        #expect(entry.idleMilliseconds == 2000)
        #expect(entry.client == .v4(0x0a0a_0102))
        let (localKey, localValue) = entry.persistEntry(serviceID: 2, now: 10_000_000_000)
        key.svc_id = 2
        #expect(bytes(localKey) == bytes(key))
        #expect(localValue.slot == 5)
        #expect(localValue.last_seen_ns == 8_000_000_000)
    }

    @Test("the persist detector reports new, moved, refreshed and forgotten clients")
    func persistenceDetector() {
        var detector = PersistenceChangeDetector(refreshPeriodNanoseconds: 1_000_000_000)
        var key = slb_persist_key()
        key.svc_id = 1
        key.family = 2
        key.addr = IPAddress.v4(1).abiWords
        var value = slb_persist_val()
        value.slot = 1
        value.last_seen_ns = 500_000_000
        #expect(detector.changes(in: [(key, value)]).upserted.count == 1)
        #expect(detector.changes(in: [(key, value)]).upserted.isEmpty)
        value.last_seen_ns = 900_000_000
        #expect(detector.changes(in: [(key, value)]).upserted.isEmpty)
        value.slot = 2
        #expect(detector.changes(in: [(key, value)]).upserted.count == 1)
        value.last_seen_ns = 1_500_000_000
        #expect(detector.changes(in: [(key, value)]).upserted.count == 1)
        let gone = detector.changes(in: [])
        #expect(gone.deleted.count == 1)
        #expect(gone.deleted.first?.svc_id == 1)
    }
}
