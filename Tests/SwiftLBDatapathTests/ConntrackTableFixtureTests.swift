import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

#if canImport(Glibc)
    import Glibc
#endif

/// The open-addressing conntrack table (swiftlb_ct_table.h) as the datapath and the daemon share
/// it: real packets through the programs, slots arranged by the daemon's side.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct ConntrackTableFixtureTests {
    let sport: UInt16 = 47100

    func client(_ datapath: EBPFDatapath, _ flags: UInt8) throws -> UInt32 {
        try Fixture.clientVerdict(datapath, sport: sport, flags: flags)
    }

    func counter(_ datapath: EBPFDatapath, _ counter: slb_counter) throws -> UInt64 {
        try datapath.globalCounters()[Int(counter.rawValue)]
    }

    /// `count` keys of other clients whose home slot is `home`, found by trying distinct addresses.
    func keys(homedAt home: UInt32, count: Int, in table: ConntrackTable) -> [slb_ct_key] {
        var key = slb_ct_key()
        key.proto = 6
        key.family = UInt8(SLB_AF_INET)
        var found: [slb_ct_key] = []
        for address in UInt32(0)..<1_000_000 where found.count < count {
            key.saddr.0 = (0xac10_0000 &+ address).bigEndian
            if table.homeSlot(of: key) == home { found.append(key) }
        }
        return found
    }

    func states(_ table: ConntrackTable, from first: UInt32, count: UInt32) -> [UInt32] {
        (first..<first + count).map { table.state(ofSlot: $0) }
    }

    @Test func packetsFindTheirFlowPastDeletedSlotsAndSweepsEmptyThemAfterwards() async throws {
        // A small table (2,048 home slots): about 490 of the million addresses tried share a home.
        let datapath = try await Fixture.datapath(conntrackEntries: 1024)
        let table = datapath.conntrack
        #expect(try client(datapath, TCPFlags.syn) == Verdict.redirect)
        let forward = try #require(table.entries().first { $0.value.dir == UInt8(SLB_DIR_FWD.rawValue) })
        let home = table.homeSlot(of: forward.key)
        #expect(forward.slot == home)

        // Start over with two other clients' entries in the flow's home slot and the one after.
        for entry in table.entries() { #expect(table.deleteIfUnchanged(entry)) }
        table.compact()
        table.compact()
        #expect(table.liveCount == 0)
        #expect(table.state(ofSlot: home) == UInt32(SLB_CT_SLOT_EMPTY))
        var value = slb_ct_val()
        value.state = UInt8(SLB_CT_ESTABLISHED.rawValue)
        let others = keys(homedAt: home, count: 2, in: table)
        #expect(others.count == 2)
        for key in others { try table.update(key, value) }
        #expect(try client(datapath, TCPFlags.syn) == Verdict.redirect)
        #expect(try table.entry(forward.key)?.slot == home + 2)

        // The other clients go: their slots die but stay in the way (something LIVE follows).
        for key in others { #expect(try table.delete(key)) }
        table.compact()
        table.compact()
        let dead = [UInt32(SLB_CT_SLOT_DEAD_OLD), UInt32(SLB_CT_SLOT_DEAD_OLD), UInt32(SLB_CT_SLOT_LIVE)]
        #expect(states(table, from: home, count: 3) == dead)
        let created = try counter(datapath, SLB_CNT_CT_NEW)
        let hits = try counter(datapath, SLB_CNT_CT_HIT)
        #expect(try client(datapath, TCPFlags.ack) == Verdict.redirect)
        #expect(try counter(datapath, SLB_CNT_CT_NEW) == created)
        #expect(try counter(datapath, SLB_CNT_CT_HIT) == hits + 1)

        // Once the flow is gone too, two passes leave no trace: the whole run ends in EMPTY.
        for entry in table.entries() { #expect(table.deleteIfUnchanged(entry)) }
        table.compact()
        table.compact()
        let empty = UInt32(SLB_CT_SLOT_EMPTY)
        #expect((1..<table.elementCount).allSatisfy { table.state(ofSlot: $0) == empty })
        // And the flow starts anew in its home slot.
        #expect(try client(datapath, TCPFlags.syn) == Verdict.redirect)
        #expect(try table.entry(forward.key)?.slot == home)
    }

    @Test func aRestartedDatapathFindsItsPinnedTableAndFlows() async throws {
        let root = "/sys/fs/bpf/slb-fixture-cttable-\(getpid())"
        defer { try? BPFFilesystem.removePins(pinRoot: root) }
        let service = DatapathService(
            id: 1, key: ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp), selection: .roundRobin,
            mode: .dnat, endpoints: [DatapathEndpoint(address: .v4(0x0a0a_020a), port: 8080, weight: 1)])
        var seed: UInt32 = 0
        do {
            let first = try EBPFDatapath(pinRoot: root)
            try await first.upsert(service)
            #expect(try client(first, TCPFlags.syn) == Verdict.redirect)
            seed = first.conntrack.seed
        }
        let second = try EBPFDatapath(pinRoot: root)
        #expect(second.conntrack.seed == seed)
        #expect(second.conntrack.liveCount == 2)
        let hits = try counter(second, SLB_CNT_CT_HIT)
        #expect(try client(second, TCPFlags.ack) == Verdict.redirect)
        #expect(try counter(second, SLB_CNT_CT_HIT) == hits + 1)
    }
}
