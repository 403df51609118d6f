import BPFLoader
import SwiftLBABI

#if canImport(Glibc)
    import Glibc
#endif

/// The conntrack table (map slb_ct) mapped into the daemon's memory: an open-addressing hash table
/// in a BPF array (swiftlb_ct_table.h), read and changed in place with the datapath's lock-free
/// protocol (swiftlb_ct_user.h), so a sweep over every flow costs no system call per entry.
///
/// Safe to use from several threads and beside the datapath: every state change is a
/// compare-and-swap. Values are copied without a lock, as the datapath writes them: a value read
/// while a packet updates it may mix old and new fields (as with a kernel hash map).
public final class ConntrackTable: @unchecked Sendable {
    /// A LIVE entry as one read saw it, with the slot and control word `deleteIfUnchanged` checks.
    public struct Entry: Sendable {
        public var key: slb_ct_key
        public var value: slb_ct_val
        /// The slot's index in the map.
        public let slot: UInt32
        /// The slot's control word when read (state LIVE, generation, hash).
        public let control: UInt64
    }

    /// Slots a key may occupy: its home slot and the ones after it (SLB_CT_PROBES).
    public static let probes = Int(SLB_CT_PROBES)

    /// The map's name, for errors.
    public let name: String
    /// Elements of the map: slot 0 (the head), then the home slots and SLB_CT_PROBES - 1 overflow slots.
    public let elementCount: UInt32
    let slots: UnsafeMutablePointer<slb_ct_slot>
    private let mappedBytes: Int
    /// False for a table in ordinary memory (`init(inMemoryElements:)`), which is freed, not unmapped.
    private let isMapped: Bool

    /// The max_entries of a slb_ct map sized for `entries` entries (nil: SLB_CT_MAX_ENTRIES): twice
    /// as many home slots, rounded up to a power of two (at most 2^31), plus SLB_CT_PROBES. At
    /// half its home slots used, a bounded window refuses few inserts (swiftlb_ct_table.h).
    public static func mapElements(forEntries entries: UInt32?) -> UInt32 {
        let wanted = min(max(2 * UInt64(entries ?? UInt32(SLB_CT_MAX_ENTRIES)), 1), 1 << 31)
        let homes = UInt32(1) << (64 - (wanted - 1).leadingZeroBitCount)
        return homes + UInt32(SLB_CT_PROBES)
    }

    /// Maps the table behind map `fd` and sets up its head with a random seed unless it has one
    /// (a pinned table keeps its seed and entries). Throws when the map is not a table of this build.
    public init(fd: Int32, name: String = SLB_MAP_CONNTRACK) throws(BPFError) {
        let info = try BPFMapInfo(fd: fd, name: name)
        let slotSize = MemoryLayout<slb_ct_slot>.stride
        guard info.isMmapable, info.valueSize == UInt32(slotSize), slb_ct_user_count_valid(info.maxEntries) != 0
        else {
            throw BPFError(
                operation: "open conntrack table \(name)", code: EINVAL,
                hint: "the map (type \(info.type), value size \(info.valueSize), \(info.maxEntries) elements, "
                    + "flags \(info.flags)) is not an mmapable array of \(slotSize)-byte slots, 2^n + "
                    + "\(SLB_CT_PROBES) of them: the datapath object is from another build; rebuild, "
                    + "and run `swiftlb cleanup` if an old pinned map is left")
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let bytes = (Int(info.maxEntries) * slotSize + page - 1) / page * page
        let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw BPFError(operation: "map conntrack table \(name) into memory", code: errno)
        }
        let slots = address.bindMemory(to: slb_ct_slot.self, capacity: Int(info.maxEntries))
        var random = SystemRandomNumberGenerator()
        guard slb_ct_user_init(slots, info.maxEntries, random.next()) >= 0 else {
            munmap(address, bytes)
            throw BPFError(
                operation: "open conntrack table \(name)", code: EPROTO,
                hint: "its head describes another size or probe count (a pinned table of another build); "
                    + "run `swiftlb cleanup` to remove it")
        }
        self.name = name
        self.elementCount = info.maxEntries
        self.slots = slots
        self.mappedBytes = bytes
        self.isMapped = true
    }

    /// A table of `count` elements (`mapElements(forEntries:)`) in ordinary memory, with the same
    /// layout and protocol as the map: a second table for tests of code that reads or writes one,
    /// without loading a datapath. Nil when `count` is no table size.
    public init?(inMemoryElements count: UInt32, name: String = "in-memory conntrack table") {
        guard slb_ct_user_count_valid(count) != 0 else { return nil }
        let slots = UnsafeMutablePointer<slb_ct_slot>.allocate(capacity: Int(count))
        UnsafeMutableRawPointer(slots).initializeMemory(
            as: UInt8.self, repeating: 0, count: Int(count) * MemoryLayout<slb_ct_slot>.stride)
        var random = SystemRandomNumberGenerator()
        _ = slb_ct_user_init(slots, count, random.next())
        self.name = name
        self.elementCount = count
        self.slots = slots
        self.mappedBytes = 0
        self.isMapped = false
    }

    deinit {
        if isMapped { munmap(slots, mappedBytes) } else { slots.deallocate() }
    }

    /// The first LIVE slot at or after `from` (at least 1), or `elementCount` when there is none;
    /// reads control words only (a snapshot walks the table with it, a stretch at a time).
    public func nextLiveSlot(from index: UInt32) -> UInt32 {
        slb_ct_user_next_live(slots, elementCount, index)
    }

    /// The LIVE entries, in slot order, at most `limit` of them; one pass, each slot read once.
    public func entries(limit: Int = .max) -> [Entry] {
        var result: [Entry] = []
        var index = slb_ct_user_next_live(slots, elementCount, 1)
        while index < elementCount && result.count < limit {
            if let entry = entry(atSlot: index) { result.append(entry) }
            index = slb_ct_user_next_live(slots, elementCount, index + 1)
        }
        return result
    }

    /// Calls `body` with each LIVE entry in slot order without collecting them (a full table's
    /// entries would take as much memory again). `body` may delete entries. Slots that are not
    /// LIVE are skipped in C from their control words; a sweep still touches every slot (about 5 ms
    /// for the default 524,416), so callers sweep once for many services.
    public func forEachEntry<E: Error>(_ body: (Entry) throws(E) -> Void) throws(E) {
        var index = slb_ct_user_next_live(slots, elementCount, 1)
        while index < elementCount {
            if let entry = entry(atSlot: index) { try body(entry) }
            index = slb_ct_user_next_live(slots, elementCount, index + 1)
        }
    }

    /// The LIVE entry in slot `index`, nil when the slot holds none or changed while being copied.
    public func entry(atSlot index: UInt32) -> Entry? {
        var key = slb_ct_key()
        var value = slb_ct_val()
        let control = slb_ct_user_read_slot(slots, elementCount, index, &key, &value)
        return control == 0 ? nil : Entry(key: key, value: value, slot: index, control: control)
    }

    /// The entry of `key` with its slot, nil when absent.
    public func entry(_ key: slb_ct_key) throws(BPFError) -> Entry? {
        var value = slb_ct_val()
        var control: UInt64 = 0
        let index = withUnsafePointer(to: key) { slb_ct_user_lookup(slots, elementCount, $0, &value, &control) }
        if index == -EAGAIN {
            throw BPFError(
                operation: "look up a flow in conntrack table \(name)", code: EAGAIN,
                hint: "its slot kept changing while being read; try again")
        }
        guard index > 0 else { return nil }
        return Entry(key: key, value: value, slot: UInt32(index), control: control)
    }

    /// The keys of the LIVE entries, at most `limit` of them.
    public func keys(limit: Int = .max) throws(BPFError) -> [slb_ct_key] {
        entries(limit: limit).map(\.key)
    }

    /// The value stored under `key`, or nil when absent.
    public func lookup(_ key: slb_ct_key) throws(BPFError) -> slb_ct_val? {
        try entry(key)?.value
    }

    /// Stores `value` under `key`: in place when present, else in a free slot of the key's window.
    public func update(_ key: slb_ct_key, _ value: slb_ct_val) throws(BPFError) {
        let rc = withUnsafePointer(to: key) { key in
            withUnsafePointer(to: value) { slb_ct_user_update(slots, elementCount, key, $0) }
        }
        switch rc {
        case 0: return
        case -E2BIG:
            throw BPFError(
                operation: "insert a flow into conntrack table \(name)", code: E2BIG,
                hint: "all \(SLB_CT_PROBES) slots from the key's home slot are taken: the table is full "
                    + "where this key hashes; a larger --ct-entries makes this rare")
        default:
            throw BPFError(
                operation: "insert a flow into conntrack table \(name)", code: -rc,
                hint: "concurrent inserts kept changing the key's slots; try again")
        }
    }

    /// Removes `key`; returns false when it was absent.
    @discardableResult
    public func delete(_ key: slb_ct_key) throws(BPFError) -> Bool {
        withUnsafePointer(to: key) { slb_ct_user_delete(slots, elementCount, $0) } == 0
    }

    /// Removes `entry` only if its slot still holds what was read (same control word): a flow that
    /// was deleted meanwhile, and a new flow that reused the slot, are left alone. Returns whether it
    /// removed the entry.
    @discardableResult
    public func deleteIfUnchanged(_ entry: Entry) -> Bool {
        slb_ct_user_delete_slot(slots, elementCount, entry.slot, entry.control) == 0
    }

    /// One compaction pass (see swiftlb_ct_user.h): ages deleted slots and empties the ones aged
    /// by the previous pass where nothing follows them. One pass per sweep: the time between
    /// passes lets inserts that saw a slot free finish before it is emptied.
    @discardableResult
    public func compact() -> (emptied: Int, aged: Int) {
        let done = slb_ct_user_compact(slots, elementCount)
        return (Int(done.emptied), Int(done.aged))
    }

    /// The table's hash seed (chosen when the table was created; kept by a pinned table).
    public var seed: UInt32 { slots[0].head.seed }

    /// The home slot of `key`: the first of the SLB_CT_PROBES slots it may occupy.
    public func homeSlot(of key: slb_ct_key) -> UInt32 {
        var key = key
        return slb_ct_home(&slots[0].head, slb_ct_hash(&key, slots[0].head.seed))
    }

    /// The state of slot `index` (SLB_CT_SLOT_EMPTY, _LIVE, _DEAD, ...).
    public func state(ofSlot index: UInt32) -> UInt32 {
        precondition(index < elementCount, "slot \(index) is outside the table")
        return slb_ct_slot_state(slb_ct_user_ctl(slots + Int(index)))
    }

    /// How many slots hold a LIVE entry now.
    public var liveCount: Int {
        var count = 0
        for index in 1..<Int(elementCount)
        where slb_ct_slot_state(slb_ct_user_ctl(slots + index)) == UInt32(SLB_CT_SLOT_LIVE) {
            count += 1
        }
        return count
    }
}
