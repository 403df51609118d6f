import BPFLoader
import CLibBPF
import Glibc
import SwiftLBABI
import SwiftLBCore

@testable import SwiftLBDatapath

/// What one fuzz input did: the test run's result (or the error BPF_PROG_TEST_RUN returned), which global counters
/// moved, and which conntrack keys appeared.
struct PacketFuzzOutcome {
    var result: Result<TestRun.Result, BPFError>
    /// Counter index (enum slb_counter) to its increase.
    var counters: [Int: UInt64]
    /// Raw `slb_ct_key` bytes of the live entries that were not there before the packet.
    var newKeys: [[UInt8]]
}

/// One loaded datapath the fuzzer drives (`PacketFuzzServices` programmed, interface addresses synced), and its state
/// after the last packet: the global counters and the keys of the live conntrack entries. The table is sized small
/// so that reading every key after every packet stays cheap (it is an mmap'ed array, no system call per entry).
final class PacketFuzzTarget {
    let name: String
    let datapath: EBPFDatapath
    private let ingress: BPFProgram
    private let egress: BPFProgram
    /// Above this many live entries the table is emptied, so new flows keep finding room.
    private let resetAbove: Int
    private var counters: [UInt64] = []
    /// The live entries by slot: the control word read (it changes whenever the slot gets another entry) and the key.
    private var slots: [UInt32: (control: UInt64, key: [UInt8])] = [:]
    private var keySet: Set<[UInt8]> = []
    /// The live keys, for the generator to build packets of tracked flows.
    private(set) var keys: [[UInt8]] = []
    /// How often the table was emptied.
    private(set) var resets = 0

    init(
        name: String, conntrackEntries: UInt32, resetAbove: Int, timeouts: ConntrackTimeouts = ConntrackTimeouts()
    ) async throws {
        self.name = name
        self.resetAbove = resetAbove
        datapath = try EBPFDatapath(pinRoot: nil, timeouts: timeouts, conntrackEntries: conntrackEntries)
        for service in PacketFuzzServices.all { try await datapath.upsert(service) }
        try datapath.syncInterfaceAddresses()
        (ingress, egress) = try datapath.programs()
        try refresh()
    }

    /// Runs `input` through its program and reports what changed.
    func run(_ input: PacketFuzzInput) throws -> PacketFuzzOutcome {
        let program = input.hook == .ingress ? ingress : egress
        let result: Result<TestRun.Result, BPFError>
        do {
            result = .success(try TestRun.run(program, packet: input.frame, ifindex: input.ifindex))
        } catch {
            result = .failure(error)
        }
        let countersBefore = counters
        let newKeys = try refresh()
        var moved: [Int: UInt64] = [:]
        for (index, value) in counters.enumerated() where value != countersBefore[index] {
            moved[index] = value &- countersBefore[index]
        }
        return PacketFuzzOutcome(result: result, counters: moved, newKeys: newKeys)
    }

    /// Empties the conntrack table once it holds more than `resetAbove` entries (see `reset`).
    func resetIfFull() throws {
        guard keys.count > resetAbove else { return }
        try reset()
    }

    /// Deletes the live entries, then runs two compaction passes, which turn the deleted slots back into empty ones.
    func reset() throws {
        for entry in datapath.conntrack.entries() { datapath.conntrack.deleteIfUnchanged(entry) }
        datapath.conntrack.compact()
        datapath.conntrack.compact()
        resets += 1
        try refresh()
    }

    /// Moves the last-seen stamps of the idle-reset services' flows two seconds back, so that their next packet
    /// meets the idle reset (idle_reset.h) without the run waiting: at thousands of packets a second the table is
    /// emptied, or the flow's next packet comes, long before a second of silence.
    func ageIdleFlows() throws {
        for entry in datapath.conntrack.entries() where PacketFuzzServices.idleResetIDs.contains(entry.value.svc_id) {
            var value = entry.value
            value.last_seen_ns = value.last_seen_ns > 2_000_000_000 ? value.last_seen_ns - 2_000_000_000 : 0
            try datapath.conntrack.update(entry.key, value)
        }
    }

    /// The counter totals of the run so far, by name.
    func counterTotals() -> [String: UInt64] { PacketCounterNames.named(counters) }

    /// The global counters summed over CPUs, like `EBPFDatapath.globalCounters()` but in one batched lookup: a
    /// system call per counter cost more than running the packet.
    private func readCounters() throws -> [UInt64] {
        let cpus = BPFPerCPUMap<UInt32, UInt64>.cpuCount
        var count = UInt32(SLB_CNT_MAX.rawValue)
        var keys = [UInt32](repeating: 0, count: Int(count))
        var values = [UInt64](repeating: 0, count: Int(count) * cpus)
        var next: UInt32 = 0
        let rc = bpf_map_lookup_batch(datapath.counters.fd, nil, &next, &keys, &values, &count, nil)
        // ENOENT: the batch reached the end of the array, which is what reading all of it does.
        guard rc == 0 || rc == -ENOENT else { return try datapath.globalCounters() }
        var totals = [UInt64](repeating: 0, count: Int(SLB_CNT_MAX.rawValue))
        for index in 0..<Int(count) where Int(keys[index]) < totals.count {
            totals[Int(keys[index])] = values[(index * cpus)..<((index + 1) * cpus)].reduce(0, &+)
        }
        return totals
    }

    /// Reads the counters and the table again; returns the keys that were not live before. Only slots whose control
    /// word changed have their key copied out: reading every key after every packet would cost more than the packet.
    @discardableResult
    private func refresh() throws -> [[UInt8]] {
        counters = try readCounters()
        var current: [UInt32: (control: UInt64, key: [UInt8])] = [:]
        var fresh: [[UInt8]] = []
        var changed = false
        for entry in datapath.conntrack.entries() {
            if let known = slots[entry.slot], known.control == entry.control {
                current[entry.slot] = known
                continue
            }
            let key = withUnsafeBytes(of: entry.key) { Array($0) }
            if !keySet.contains(key) { fresh.append(key) }
            current[entry.slot] = (entry.control, key)
            changed = true
        }
        if changed || current.count != slots.count {
            slots = current
            // In byte order: slot order follows the table's random hash seed, and the generator picks from this list.
            keys = current.values.map(\.key).sorted { $0.lexicographicallyPrecedes($1) }
            keySet = Set(keys)
        }
        return fresh
    }
}
