import SwiftLBABI
import SwiftLBCore
import SwiftLBDatapath
import Testing

/// `ConntrackTable.flowSlots`: conntrack sync sends a new flow's two entries together, never the
/// forward entry alone.
@Suite("Conntrack flow slots")
struct ConntrackFlowSlotsTests {
    @Test("an entry whose twin is not written yet is left out; once it is, both come, from either side")
    func pairs() throws {
        let table = SyncTestFlows.table()
        let flow = SyncTestFlows.fullNAT(sport: 40000, natPort: 33000, serviceID: 7, now: 1)
        try SyncTestFlows.write([flow[0]], to: table)
        let forward = try #require(try table.entry(flow[0].key)).slot
        #expect(table.flowSlots([forward]).isEmpty)
        try SyncTestFlows.write([flow[1]], to: table)
        let reply = try #require(try table.entry(flow[1].key)).slot
        #expect(table.flowSlots([forward]) == [forward, reply])
        #expect(table.flowSlots([reply]) == [reply, forward])
        // Empty or out-of-range slots (a flow that ended before its record was read) are skipped.
        #expect(table.flowSlots([0, table.elementCount + 3]).isEmpty)
    }

    @Test("a DSR entry is a whole flow by itself")
    func dsrAlone() throws {
        let table = SyncTestFlows.table()
        var entry = SyncTestFlows.fullNAT(sport: 40001, natPort: 40001, serviceID: 7, now: 1)[0]
        entry.value.nat.flags = UInt8(SLB_NAT_DST.rawValue | SLB_NAT_DSR.rawValue)
        try table.update(entry.key, entry.value)
        let slot = try #require(try table.entry(entry.key)).slot
        #expect(table.flowSlots([slot]) == [slot])
    }

    @Test("a reply entry left holding a port for another flow's key is not taken as this one's twin")
    func foreignTwin() throws {
        let table = SyncTestFlows.table()
        let old = SyncTestFlows.fullNAT(sport: 40002, natPort: 33002, serviceID: 7, now: 1)
        // The reply entry of client port 40002, and a forward entry of port 40003 whose rewrite
        // names the same source port: its twin key finds the old reply, which points elsewhere.
        try SyncTestFlows.write([old[1]], to: table)
        var newer = SyncTestFlows.fullNAT(sport: 40003, natPort: 33002, serviceID: 7, now: 1)[0]
        newer.value.ep_idx = 1
        try table.update(newer.key, newer.value)
        let slot = try #require(try table.entry(newer.key)).slot
        #expect(table.flowSlots([slot]).isEmpty)
    }
}
