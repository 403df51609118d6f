import SwiftLBABI
import SwiftLBCore
import SwiftLBDatapath
import Testing

@Suite("Conntrack change detector")
struct ConntrackChangeDetectorTests {
    let now: UInt64 = 50_000_000_000

    @Test("the first pass reports every flow, an unchanged table nothing")
    func newFlows() throws {
        let table = SyncTestFlows.table()
        let detector = ConntrackChangeDetector(table: table)
        #expect(detector.scan().isEmpty)
        try SyncTestFlows.write(SyncTestFlows.fullNAT(sport: 40000, natPort: 40000, serviceID: 7, now: now), to: table)
        let changes = detector.scan()
        #expect(changes.upserted.count == 2)
        #expect(changes.deleted.isEmpty)
        #expect(Set(changes.upserted.map { UInt16(bigEndian: $0.key.sport) }) == [40000, 8080])
        #expect(detector.scan().isEmpty)
        #expect(detector.trackedCount == 2)
    }

    @Test("checking the slots of new entries reports those alone, and the next pass does not repeat them")
    func checkSlots() throws {
        let table = SyncTestFlows.table()
        let detector = ConntrackChangeDetector(table: table)
        let first = SyncTestFlows.fullNAT(sport: 40000, natPort: 40000, serviceID: 7, now: now)
        let second = SyncTestFlows.fullNAT(sport: 40001, natPort: 40001, serviceID: 7, now: now)
        try SyncTestFlows.write(first + second, to: table)
        let firstSlots = try first.map { try #require(try table.entry($0.key)).slot }
        // A slot out of range or empty is ignored (a record of a flow that ended meanwhile).
        let checked = detector.check(slots: firstSlots + [0, table.elementCount, table.elementCount + 5])
        #expect(checked.upserted.map(\.slot) == firstSlots)
        #expect(checked.deleted.isEmpty)
        #expect(detector.check(slots: firstSlots).isEmpty)
        let pass = detector.scan()
        #expect(Set(pass.upserted.map { UInt16(bigEndian: $0.key.sport) }) == [40001, 8080])
        #expect(pass.upserted.count == 2)
        #expect(detector.trackedCount == 4)
    }

    @Test("a state change, FIN bits or a new endpoint is a change; packets and bytes alone are not")
    func changes() throws {
        let table = SyncTestFlows.table()
        let entries = SyncTestFlows.fullNAT(sport: 40000, natPort: 40000, serviceID: 7, now: now)
        try SyncTestFlows.write(entries, to: table)
        let detector = ConntrackChangeDetector(table: table)
        _ = detector.scan()
        var value = entries[0].value
        value.packets += 10
        value.bytes += 1000
        try table.update(entries[0].key, value)
        #expect(detector.scan().isEmpty)
        value.state = UInt8(SLB_CT_FIN_WAIT.rawValue)
        value.fin_dirs = 1
        try table.update(entries[0].key, value)
        let changed = detector.scan()
        #expect(changed.upserted.count == 1)
        #expect(changed.upserted.first?.value.state == UInt8(SLB_CT_FIN_WAIT.rawValue))
        value.ep_idx = 1
        try table.update(entries[0].key, value)
        #expect(detector.scan().upserted.count == 1)
    }

    @Test("a busy flow is reported again once its last packet enters a new refresh period")
    func refresh() throws {
        let table = SyncTestFlows.table()
        let entries = SyncTestFlows.fullNAT(sport: 40000, natPort: 40000, serviceID: 7, now: now)
        try SyncTestFlows.write(entries, to: table)
        let detector = ConntrackChangeDetector(table: table, refreshPeriodNanoseconds: 5_000_000_000)
        _ = detector.scan()
        var value = entries[1].value
        value.last_seen_ns = now + 1_000_000
        try table.update(entries[1].key, value)
        #expect(detector.scan().isEmpty)
        value.last_seen_ns = now + 5_000_000_000
        try table.update(entries[1].key, value)
        let slot = try #require(try table.entry(entries[1].key)).slot
        #expect(detector.scan().upserted.map(\.slot) == [slot])
    }

    @Test("a deleted flow is reported with its key, also when its slot was reused meanwhile")
    func deletes() throws {
        let table = SyncTestFlows.table()
        let entries = SyncTestFlows.fullNAT(sport: 40000, natPort: 40000, serviceID: 7, now: now)
        try SyncTestFlows.write(entries, to: table)
        let detector = ConntrackChangeDetector(table: table)
        _ = detector.scan()
        let forward = try #require(try table.entry(entries[0].key))
        #expect(table.deleteIfUnchanged(forward))
        let gone = detector.scan()
        #expect(gone.upserted.isEmpty)
        #expect(gone.deleted.count == 1)
        #expect(gone.deleted.first?.key.isSame(as: entries[0].key) == true)
        #expect(gone.deleted.first?.slot == forward.slot)
        #expect(detector.trackedCount == 1)

        // The reply entry goes and another flow takes its slot before the next pass.
        let reply = try #require(try table.entry(entries[1].key))
        #expect(table.deleteIfUnchanged(reply))
        var other = slb_ct_key()
        var attempt: UInt32 = 0
        repeat {
            attempt += 1
            other = SyncTestFlows.key(0x0b00_0000 + attempt, 1234, SyncTestFlows.vip, 80)
        } while table.homeSlot(of: other) != reply.slot && attempt < 1_000_000
        try table.update(other, entries[0].value)
        #expect(try table.entry(other)?.slot == reply.slot)
        let reused = detector.scan()
        #expect(reused.deleted.map(\.slot) == [reply.slot])
        #expect(reused.deleted.first?.key.isSame(as: entries[1].key) == true)
        #expect(reused.upserted.map(\.slot) == [reply.slot])
        #expect(reused.upserted.first?.key.isSame(as: other) == true)
    }

    @Test("reset makes the next pass report every flow again")
    func reset() throws {
        let table = SyncTestFlows.table()
        try SyncTestFlows.write(SyncTestFlows.fullNAT(sport: 40000, natPort: 40000, serviceID: 7, now: now), to: table)
        let detector = ConntrackChangeDetector(table: table)
        _ = detector.scan()
        detector.reset()
        #expect(detector.scan().upserted.count == 2)
    }
}
