import SwiftLBABI
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A conntrack table in ordinary memory, laid out as the slb_ct map holds it: the head, `homes`
/// home slots and SLB_CT_PROBES - 1 overflow slots, set up by slb_ct_user_init.
final class SlotBuffer {
    let count: UInt32
    let seed: UInt32
    let slots: UnsafeMutablePointer<slb_ct_slot>
    let initResult: Int32

    init(homes: UInt32 = 16, seed: UInt32 = 0x1234_5678) {
        count = homes + UInt32(SLB_CT_PROBES)
        self.seed = seed
        slots = .allocate(capacity: Int(count))
        slots.initialize(repeating: slb_ct_slot(), count: Int(count))
        initResult = slb_ct_user_init(slots, count, seed)
    }

    deinit { slots.deallocate() }

    func ctl(_ index: UInt32) -> UInt64 { slots[Int(index)].ctl }
    func state(_ index: UInt32) -> UInt32 { slb_ct_slot_state(ctl(index)) }
    func generation(_ index: UInt32) -> UInt64 { ctl(index) & SLB_CT_GEN_MASK }

    func home(_ key: slb_ct_key) -> UInt32 {
        var head = slots[0].head
        return withUnsafePointer(to: key) { slb_ct_home(&head, slb_ct_hash($0, seed)) }
    }

    func update(_ key: slb_ct_key, packets: UInt64 = 1) -> Int32 {
        var value = slb_ct_val()
        value.packets = packets
        return withUnsafePointer(to: key) { slb_ct_user_update(slots, count, $0, &value) }
    }

    /// The lookup's return (slot index or -errno), the value found and the control word seen.
    func lookup(_ key: slb_ct_key) -> (rc: Int32, value: slb_ct_val, ctl: UInt64) {
        var value = slb_ct_val()
        var seen: UInt64 = 0
        let rc = withUnsafePointer(to: key) { slb_ct_user_lookup(slots, count, $0, &value, &seen) }
        return (rc, value, seen)
    }

    func delete(_ key: slb_ct_key) -> Int32 {
        withUnsafePointer(to: key) { slb_ct_user_delete(slots, count, $0) }
    }

    func compact() -> (emptied: UInt32, aged: UInt32) {
        let done = slb_ct_user_compact(slots, count)
        return (done.emptied, done.aged)
    }

    /// The first `wanted` test keys whose home slot is `home` (or the first key's home when nil).
    func keys(sharingHome home: UInt32? = nil, _ wanted: Int) -> [slb_ct_key] {
        var found: [slb_ct_key] = []
        var target = home
        for number in UInt32(1)..<100_000 where found.count < wanted {
            let candidate = testKey(number)
            if target == nil { target = self.home(candidate) }
            if self.home(candidate) == target { found.append(candidate) }
        }
        return found
    }
}

/// A TCP/IPv4 tuple told apart by its source address.
func testKey(_ number: UInt32) -> slb_ct_key {
    var key = slb_ct_key()
    key.saddr.0 = number.bigEndian
    key.daddr.0 = UInt32(0x0a0a_6401).bigEndian
    key.sport = UInt16(40000).bigEndian
    key.dport = UInt16(80).bigEndian
    key.proto = 6
    key.family = UInt8(SLB_AF_INET)
    return key
}

@Suite("Conntrack table protocol (swiftlb_ct_user.h) on slots in memory")
struct ConntrackTableProtocolTests {
    let live = UInt32(SLB_CT_SLOT_LIVE)
    let dead = UInt32(SLB_CT_SLOT_DEAD)
    let deadOld = UInt32(SLB_CT_SLOT_DEAD_OLD)
    let empty = UInt32(SLB_CT_SLOT_EMPTY)

    @Test("init writes the head once; a second init keeps its seed; wrong sizes and geometries are refused")
    func initialisation() {
        let table = SlotBuffer(seed: 0xdead_beef)
        #expect(table.initResult == 1)
        #expect(table.ctl(0) == UInt64(SLB_CT_SLOT_HEAD))
        let head = table.slots[0].head
        #expect(head.magic == SLB_CT_HEAD_MAGIC)
        #expect(head.seed == 0xdead_beef)
        #expect(head.mask == 15)
        #expect(head.probes == UInt32(SLB_CT_PROBES))
        #expect(slb_ct_user_init(table.slots, table.count, 7) == 0)
        #expect(table.slots[0].head.seed == 0xdead_beef)
        #expect(slb_ct_user_init(table.slots, table.count - 1, 7) == -EINVAL)
        // A head describes one geometry: one of 32 home slots does not fit 16, nor the reverse.
        let larger = SlotBuffer(homes: 32)
        #expect(slb_ct_user_init(larger.slots, 16 + UInt32(SLB_CT_PROBES), 1) == -EPROTO)
        larger.slots[0].ctl = 0
        #expect(slb_ct_user_init(larger.slots, 16 + UInt32(SLB_CT_PROBES), 1) == 1)
        #expect(slb_ct_user_init(larger.slots, larger.count, 1) == -EPROTO)
    }

    @Test("insert, lookup and delete round trip; the control word carries LIVE and the key's hash")
    func roundTrip() {
        let table = SlotBuffer()
        let key = testKey(1)
        #expect(table.update(key, packets: 42) == 0)
        let found = table.lookup(key)
        #expect(found.rc >= Int32(table.home(key)) && found.rc < Int32(table.home(key)) + Int32(SLB_CT_PROBES))
        #expect(found.value.packets == 42)
        let slot = UInt32(found.rc)
        #expect(found.ctl == table.ctl(slot))
        #expect(table.state(slot) == live)
        #expect(slb_ct_slot_hash(table.ctl(slot)) == withUnsafePointer(to: key) { slb_ct_hash($0, table.seed) })
        #expect(table.lookup(testKey(2)).rc == -ENOENT)
        #expect(table.delete(key) == 0)
        #expect(table.state(slot) == dead)
        #expect(table.lookup(key).rc == -ENOENT)
        #expect(table.delete(key) == -ENOENT)
    }

    @Test("replace overwrites the value in place: same slot, same control word, one entry")
    func replaceInPlace() {
        let table = SlotBuffer()
        let key = testKey(1)
        #expect(table.update(key, packets: 1) == 0)
        let before = table.lookup(key)
        #expect(table.update(key, packets: 2) == 0)
        let after = table.lookup(key)
        #expect(after.rc == before.rc)
        #expect(after.ctl == before.ctl)
        #expect(after.value.packets == 2)
        let liveSlots = (1..<table.count).filter { table.state($0) == live }
        #expect(liveSlots == [UInt32(before.rc)])
    }

    @Test("SLB_CT_PROBES keys with one home fill its window; one more is refused with E2BIG")
    func fullWindow() {
        let table = SlotBuffer()
        let keys = table.keys(Int(SLB_CT_PROBES) + 1)
        #expect(keys.count == Int(SLB_CT_PROBES) + 1)
        let home = table.home(keys[0])
        for (offset, key) in keys.dropLast().enumerated() {
            #expect(table.update(key, packets: UInt64(offset)) == 0)
            #expect(table.lookup(key).rc == Int32(home) + Int32(offset))
        }
        #expect(table.update(keys.last!, packets: 99) == -E2BIG)
        #expect(table.lookup(keys.last!).rc == -ENOENT)
        for (offset, key) in keys.dropLast().enumerated() { #expect(table.lookup(key).value.packets == UInt64(offset)) }
    }

    @Test("a deleted slot stays DEAD: keys behind it are still found, and an insert reuses it one generation on")
    func deadSlotKeepsProbing() {
        let table = SlotBuffer()
        let keys = table.keys(4)
        let home = table.home(keys[0])
        for key in keys.prefix(3) { #expect(table.update(key) == 0) }
        let generation = table.generation(home)
        #expect(table.delete(keys[0]) == 0)
        #expect(table.state(home) == dead)
        #expect(table.lookup(keys[1]).rc == Int32(home) + 1)
        #expect(table.lookup(keys[2]).rc == Int32(home) + 2)
        #expect(table.update(keys[3]) == 0)
        #expect(table.lookup(keys[3]).rc == Int32(home))
        #expect(table.generation(home) == generation + SLB_CT_GEN_STEP)
    }

    @Test("compaction is two-phase: DEAD ages to DEAD_OLD, the next pass empties it; a run clears backwards")
    func twoPhaseCompaction() {
        let table = SlotBuffer()
        let keys = table.keys(2)
        let home = table.home(keys[0])
        for key in keys { #expect(table.update(key) == 0) }
        let generations = (table.generation(home), table.generation(home + 1))
        for key in keys { #expect(table.delete(key) == 0) }
        let first = table.compact()
        #expect(first.aged == 2 && first.emptied == 0)
        #expect(table.state(home) == deadOld && table.state(home + 1) == deadOld)
        let second = table.compact()
        #expect(second.aged == 0 && second.emptied == 2)
        #expect(table.state(home) == empty && table.state(home + 1) == empty)
        // Emptied slots keep their generation: the next claim still counts up.
        #expect((table.generation(home), table.generation(home + 1)) == generations)
        #expect(table.compact() == (0, 0))
    }

    @Test("a DEAD_OLD slot before a LIVE one is not emptied, and the key behind it is still found")
    func compactionKeepsKeysReachable() {
        let table = SlotBuffer()
        let keys = table.keys(3)
        let home = table.home(keys[0])
        for key in keys { #expect(table.update(key, packets: 7) == 0) }
        #expect(table.delete(keys[0]) == 0)
        #expect(table.delete(keys[1]) == 0)
        #expect(table.compact() == (0, 2))
        #expect(table.compact() == (0, 0))
        #expect(table.state(home) == deadOld && table.state(home + 1) == deadOld)
        let behind = table.lookup(keys[2])
        #expect(behind.rc == Int32(home) + 2 && behind.value.packets == 7)
        // Once the last key goes too, two passes clear the whole run.
        #expect(table.delete(keys[2]) == 0)
        #expect(table.compact() == (0, 1))
        #expect(table.compact() == (3, 0))
        #expect((home..<home + 3).allSatisfy { table.state($0) == empty })
    }

    @Test("the last slot of the table counts as followed by an EMPTY slot")
    func lastSlotEmpties() {
        let table = SlotBuffer()
        let lastHome = table.count - UInt32(SLB_CT_PROBES)
        let keys = table.keys(sharingHome: lastHome, Int(SLB_CT_PROBES))
        #expect(keys.count == Int(SLB_CT_PROBES))
        for key in keys { #expect(table.update(key) == 0) }
        #expect(table.lookup(keys.last!).rc == Int32(table.count) - 1)
        #expect(table.delete(keys.last!) == 0)
        #expect(table.compact() == (0, 1))
        #expect(table.compact() == (1, 0))
        #expect(table.state(table.count - 1) == empty)
        for key in keys.dropLast() { #expect(table.lookup(key).rc > 0) }
    }

    @Test("delete-if-unchanged refuses a slot that was freed and claimed again (new generation)")
    func deleteIfUnchanged() {
        let table = SlotBuffer()
        let keys = table.keys(2)
        #expect(table.update(keys[0]) == 0)
        let old = table.lookup(keys[0])
        let slot = UInt32(old.rc)
        #expect(table.delete(keys[0]) == 0)
        #expect(table.update(keys[1]) == 0)
        let reused = table.lookup(keys[1])
        #expect(reused.rc == old.rc)
        #expect(slb_ct_user_delete_slot(table.slots, table.count, slot, old.ctl) == -ESTALE)
        #expect(table.lookup(keys[1]).rc == old.rc)
        #expect(slb_ct_user_delete_slot(table.slots, table.count, 0, reused.ctl) == -EINVAL)
        #expect(slb_ct_user_delete_slot(table.slots, table.count, table.count, reused.ctl) == -EINVAL)
        #expect(slb_ct_user_delete_slot(table.slots, table.count, slot, table.ctl(slot) | 7) == -EINVAL)
        #expect(slb_ct_user_delete_slot(table.slots, table.count, slot, reused.ctl) == 0)
        #expect(table.state(slot) == dead)
        #expect(slb_ct_user_delete_slot(table.slots, table.count, slot, reused.ctl) == -ESTALE)
    }

    @Test("an insert gives way to a claim of its hash in progress (BUSY) instead of adding a twin")
    func busyClaimWins() {
        let table = SlotBuffer()
        let key = testKey(1)
        let home = table.home(key)
        let hash = withUnsafePointer(to: key) { slb_ct_hash($0, table.seed) }
        table.slots[Int(home)].ctl = slb_ct_ctl_claim(0, hash, UInt32(SLB_CT_SLOT_BUSY))
        var value = slb_ct_val()
        #expect(
            withUnsafePointer(to: key) { slb_ct_user_insert(table.slots, table.count, $0, &value, hash) } == -EEXIST)
        #expect(table.update(key) == -EBUSY)
        #expect((home + 1..<table.count).allSatisfy { table.state($0) == empty })
    }

    @Test("read_slot copies LIVE slots only")
    func readSlot() {
        let table = SlotBuffer()
        let key = testKey(5)
        #expect(table.update(key, packets: 3) == 0)
        let slot = UInt32(table.lookup(key).rc)
        var copiedKey = slb_ct_key()
        var value = slb_ct_val()
        #expect(slb_ct_user_read_slot(table.slots, table.count, slot, &copiedKey, &value) == table.ctl(slot))
        #expect(copiedKey.saddr.0 == key.saddr.0 && value.packets == 3)
        #expect(slb_ct_user_read_slot(table.slots, table.count, 0, &copiedKey, &value) == 0)
        #expect(table.delete(key) == 0)
        #expect(slb_ct_user_read_slot(table.slots, table.count, slot, &copiedKey, &value) == 0)
    }
}
