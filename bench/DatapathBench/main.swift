import BPFBenchObjects
import BPFLoader
import BPFObjects
import Foundation
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import SwiftLBDatapath

// Cost per packet of each program path through BPF_PROG_TEST_RUN with `repeat`, beside a no-op.
//
// `repeat` re-runs a program on the packet it already rewrote (DESIGN §7), so every program runs
// behind slb_bench_wrapper (bpf/progs/bench_wrapper.bpf.c): it writes the original frame back
// from a map, for the new-flow rows also gives it the next source port (a new tuple on every
// run; the conntrack map is emptied before each batch), and tail-calls the program under test.
// The wrapper around the no-op program is the floor that every row subtracts; the wrapper's own
// cost is the floor minus the bare no-op. Run inside bench/datapath.sh's (or bench/run.sh's)
// namespace. Prints markdown tables.
//
// Usage: swiftlb-bench [--quick] [--repeat N] [--batches N] [--ct-fill N] [--paths-only] | --ct-scan | --firewall

struct Settings {
    var repeatCount: Int32 = 20000
    var newFlowRepeat: Int32 = 4000
    var batches = 15
    var conntrackFill = 1_000_000
    var pathsOnly = false
    var firewallOnly = false

    init(arguments: [String]) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--quick": (repeatCount, newFlowRepeat, batches, conntrackFill) = (2000, 1000, 5, 100_000)
            case "--repeat": repeatCount = Int32(rest.popFirst() ?? "") ?? repeatCount
            case "--batches": batches = Int(rest.popFirst() ?? "") ?? batches
            case "--ct-fill": conntrackFill = Int(rest.popFirst() ?? "") ?? conntrackFill
            case "--paths-only": pathsOnly = true
            case "--firewall": firewallOnly = true
            default:
                if let value = Int32(argument) { repeatCount = value }  // the old positional form
            }
        }
        newFlowRepeat = min(newFlowRepeat, repeatCount)
    }
}

/// Median, minimum and maximum of per-batch averages (ns per packet).
struct Sample {
    let values: [Double]
    /// The verdict of the last run (TC_ACT_OK 0, TC_ACT_SHOT 2, TC_ACT_REDIRECT 7) and how many runs there were.
    var verdict: UInt32 = 0
    var runs = 0
    var median: Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
    var min: Double { values.min() ?? 0 }
    var max: Double { values.max() ?? 0 }
}

/// The wrapper object, its packet slot and its tail-call target.
struct Harness {
    let wrapper: BPFProgram
    let packetSlot: BPFMap<UInt32, slb_bench_pkt>
    let target: BPFMap<UInt32, UInt32>
    let conntrack: ConntrackTable
    let ifindex: Int32
    let settings: Settings

    /// Per-batch ns/packet of `program` on `packet` (restored before every run).
    func measure(_ program: BPFProgram, _ packet: [UInt8], newFlows: Bool = false) throws -> Sample {
        precondition(packet.count <= Int(SLB_BENCH_PKT_MAX))
        try target.update(0, UInt32(bitPattern: program.fd))
        var slot = slb_bench_pkt()
        slot.len = UInt32(packet.count)
        slot.vary_sport = newFlows ? 1 : 0
        withUnsafeMutableBytes(of: &slot.data) { $0.copyBytes(from: packet) }
        try packetSlot.update(0, slot)
        let count = newFlows ? settings.newFlowRepeat : settings.repeatCount
        if newFlows { emptyConntrack() }
        _ = try TestRun.run(wrapper, packet: packet, ifindex: ifindex, repeat: min(count, 1000))  // warm-up
        var values: [Double] = []
        var lastVerdict: UInt32 = 0
        for _ in 0..<settings.batches {
            if newFlows { emptyConntrack() }
            let result = try TestRun.run(wrapper, packet: packet, ifindex: ifindex, repeat: count)
            values.append(Double(result.durationNanoseconds))
            lastVerdict = result.verdict
        }
        return Sample(values: values, verdict: lastVerdict, runs: Int(count) * settings.batches + Int(min(count, 1000)))
    }

    /// Deletes every entry and compacts twice (deleted, aged, emptied): new flows then find the
    /// table as fresh, not strewn with deleted slots.
    func emptyConntrack() {
        conntrack.forEachEntry { conntrack.deleteIfUnchanged($0) }
        conntrack.compact()
        conntrack.compact()
    }
}

func frame(sport: UInt16, dst: (UInt8, UInt8, UInt8, UInt8), flags: UInt8, proto: UInt8 = 6) -> [UInt8] {
    Packet(
        srcMAC: [2, 0, 0, 0, 0, 2], dstMAC: [2, 0, 0, 0, 0, 1], src: (10, 10, 1, 2), dst: dst, proto: proto,
        sport: sport, dport: 80, tcpFlags: flags
    ).bytes
}

/// The 16 bytes of IPv6 address `text`.
func bytes6(_ text: String) -> [UInt8] {
    guard case .v6(let bytes) = IPAddress(text) else { return [] }
    return bytes
}

/// An IPv6 TCP frame from the client [fd00:10:1::2]:`sport` to the IPv6 VIP.
func frame6(sport: UInt16, flags: UInt8) -> [UInt8] {
    Packet6(
        srcMAC: [2, 0, 0, 0, 0, 2], dstMAC: [2, 0, 0, 0, 0, 1], src: bytes6("fd00:10:1::2"),
        dst: bytes6("fd00:10:100::1"), proto: 6, sport: sport, dport: 80, tcpFlags: flags
    ).bytes
}

func format(_ value: Double) -> String { String(Int(value.rounded())) }

func row(_ path: String, _ sample: Sample, floor: Double, target: Double? = nil, check: String = "") -> String {
    let above = sample.median - floor
    let verdict = target.map { above <= $0 ? "yes (< \(Int($0)))" : "no (target < \(Int($0)))" } ?? ""
    let names: [UInt32: String] = [0: "ok", 2: "shot", 7: "redirect"]
    return "| \(path) | \(format(sample.median)) | \(format(sample.min))–\(format(sample.max)) | \(format(above)) | "
        + "\(verdict) | \(names[sample.verdict] ?? String(sample.verdict))\(check) |"
}

let settings = Settings(arguments: Array(CommandLine.arguments.dropFirst()))
// `--ct-scan` measures conntrack sync's change pass instead (ConntrackScanBench.swift).
if CommandLine.arguments.contains("--ct-scan") {
    ConntrackScanBench.run()
    exit(0)
}
let vips: [(mode: NATMode, name: String, last: UInt8)] = [
    (.dnat, "dnat", 1), (.oneArm, "onearm", 2), (.fullNAT, "fullnat", 3),
]

/// A datapath with one service per NAT mode: 10.10.100.{1,2,3}:80 -> 10.10.2.{10,11,12}:8080.
func makeDatapath(conntrackEntries: UInt32? = nil) async throws -> EBPFDatapath {
    // Room for the 100,000-service rows (ids from 100).
    let datapath = try EBPFDatapath(
        pinRoot: nil, conntrackEntries: conntrackEntries, capacity: DatapathCapacity(maxServices: 131_072))
    _ = try datapath.syncInterfaceAddresses()
    for (index, vip) in vips.enumerated() {
        try await datapath.upsert(
            DatapathService(
                id: UInt32(index + 1), key: ServiceKey(vip: .v4(0x0a0a_6400 | UInt32(vip.last)), port: 80, proto: .tcp),
                selection: .roundRobin, mode: vip.mode,
                endpoints: [10, 11, 12].map { DatapathEndpoint(address: .v4(0x0a0a_0200 | $0), port: 8080, weight: 1) })
        )
    }
    // IPv6 (NAT66, default mode): [fd00:10:100::1]:80 -> [fd00:10:2::a]:8080.
    try await datapath.upsert(
        DatapathService(
            id: 10, key: ServiceKey(vip: IPAddress("fd00:10:100::1")!, port: 80, proto: .tcp), selection: .roundRobin,
            mode: .dnat, endpoints: [DatapathEndpoint(address: IPAddress("fd00:10:2::a")!, port: 8080, weight: 1)]))
    return datapath
}

func harness(for datapath: EBPFDatapath, ifindex: Int32) throws -> (Harness, BPFObject) {
    guard let elf = BPFBenchObjects.object(named: SLB_BENCH_OBJECT) else {
        throw BPFError(operation: "find the embedded \(SLB_BENCH_OBJECT) object", code: ENOENT)
    }
    let object = try BPFObject(elf: elf, name: SLB_BENCH_OBJECT, pinRoot: nil)
    let harness = Harness(
        wrapper: try object.program(named: SLB_PROG_BENCH_WRAPPER),
        packetSlot: try object.map(named: SLB_MAP_BENCH_PKT),
        target: try object.map(named: SLB_MAP_BENCH_TARGET),
        conntrack: datapath.conntrack,
        ifindex: ifindex, settings: settings)
    return (harness, object)
}

func pathTable(ifindex: Int32) async throws {
    let datapath = try await makeDatapath()
    let (bench, wrapperObject) = try harness(for: datapath, ifindex: ifindex)
    let ingress = try datapath.programs().ingress
    let noop = try wrapperObject.program(named: SLB_PROG_NOOP)
    let established = { (last: UInt8) in frame(sport: 30000, dst: (10, 10, 100, last), flags: TCPFlags.ack) }
    for vip in vips {  // open one flow per mode for the established rows
        _ = try TestRun.run(
            ingress, packet: frame(sport: 30000, dst: (10, 10, 100, vip.last), flags: TCPFlags.syn),
            ifindex: ifindex)
    }

    // The bare no-op with `repeat` (nothing to restore) gives the wrapper's own cost.
    var bare: [Double] = []
    for _ in 0..<settings.batches {
        bare.append(
            Double(
                try TestRun.run(noop, packet: established(1), ifindex: ifindex, repeat: settings.repeatCount)
                    .durationNanoseconds))
    }
    let bareNoop = Sample(values: bare)
    let floor = try bench.measure(noop, established(1))
    let floorNew = try bench.measure(noop, established(1), newFlows: true)
    var rows: [String] = []
    rows.append(row("no-op program alone (bare `repeat`)", bareNoop, floor: floor.median))
    rows.append(row("wrapper + no-op (floor)", floor, floor: floor.median))
    rows.append(row("wrapper with new source port + no-op (new-flow floor)", floorNew, floor: floorNew.median))
    rows.append(
        row(
            "non-VIP traffic (pass)",
            try bench.measure(
                ingress,
                frame(
                    sport: 30000, dst: (10, 10, 2, 10),
                    flags: TCPFlags.ack)), floor: floor.median))
    for vip in vips {
        rows.append(
            row(
                "established TCP flow, \(vip.name)", try bench.measure(ingress, established(vip.last)),
                floor: floor.median, target: 80))
    }
    // IPv6 goes through a stage of its own (V6): the entry's tail call is in this row.
    _ = try TestRun.run(ingress, packet: frame6(sport: 30000, flags: TCPFlags.syn), ifindex: ifindex)
    rows.append(
        row(
            "established TCP flow, IPv6 dnat (NAT66)",
            try bench.measure(ingress, frame6(sport: 30000, flags: TCPFlags.ack)),
            floor: floor.median))
    for vip in vips {
        let syn = frame(sport: 1024, dst: (10, 10, 100, vip.last), flags: TCPFlags.syn)
        let before = try datapath.globalCounters()[Int(SLB_CNT_CT_NEW.rawValue)]
        let sample = try bench.measure(ingress, syn, newFlows: true)
        let created = try datapath.globalCounters()[Int(SLB_CNT_CT_NEW.rawValue)] - before
        rows.append(
            row(
                "new TCP flow, \(vip.name)", sample, floor: floorNew.median, target: 200,
                check: String(format: ", flows created per run %.2f", Double(created) / Double(max(1, sample.runs)))))
    }
    // First-packet cost must not grow with the number of services: add idle ones and measure again.
    let syn = frame(sport: 1024, dst: (10, 10, 100, 1), flags: TCPFlags.syn)
    var idle = 0
    for total in [10_000, 100_000] {
        for index in idle..<(total - vips.count) {
            try await datapath.upsert(
                DatapathService(
                    id: UInt32(100 + index),
                    key: ServiceKey(vip: .v4(0x0a0b_0000 | UInt32(index)), port: 80, proto: .tcp),
                    selection: .roundRobin, mode: .dnat,
                    endpoints: [DatapathEndpoint(address: .v4(0x0a0a_020a), port: 8080, weight: 1)]))
        }
        idle = total - vips.count
        let among = total == 10_000 ? "10,000" : "100,000"
        rows.append(
            row(
                "new TCP flow, dnat, among \(among) services", try bench.measure(ingress, syn, newFlows: true),
                floor: floorNew.median, target: 200))
        rows.append(
            row(
                "established TCP flow, dnat, among \(among) services", try bench.measure(ingress, established(1)),
                floor: floor.median, target: 80))
    }
    // Nor with the number of endpoints: service 1 (dnat) with 1,024 of them, round robin and hash.
    for selection in [SelectionAlgorithm.roundRobin, .hash] {
        try await datapath.upsert(
            DatapathService(
                id: 1, key: ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp), selection: selection, mode: .dnat,
                endpoints: (0..<1024).map {
                    DatapathEndpoint(address: .v4(0x0a0a_020a), port: UInt16(10000 + $0), weight: 1)
                }))
        rows.append(
            row(
                "new TCP flow, dnat, \(selection == .hash ? "hash" : "rr") over 1,024 endpoints",
                try bench.measure(ingress, syn, newFlows: true), floor: floorNew.median, target: 200))
    }
    // What a naive `repeat` reports: run 2 onwards sees the rewritten packet (a non-VIP tuple).
    var naive: [Double] = []
    for _ in 0..<settings.batches {
        naive.append(
            Double(
                try TestRun.run(
                    ingress, packet: established(1), ifindex: ifindex,
                    repeat: settings.repeatCount
                ).durationNanoseconds))
    }
    rows.append(
        row(
            "(naive `repeat` of established dnat without restore: mostly the pass path)", Sample(values: naive),
            floor: bareNoop.median))
    withExtendedLifetime(wrapperObject) {}

    print(
        "### Datapath cost per packet (BPF_PROG_TEST_RUN, repeat \(settings.repeatCount), new flows \(settings.newFlowRepeat), \(settings.batches) batches)"
    )
    print("")
    print("Wrapper's own cost (floor minus bare no-op): \(format(floor.median - bareNoop.median)) ns.")
    print("")
    print("| path | median ns/packet | min–max | above floor ns | within target | last verdict, check |")
    print("|---|---:|---:|---:|---|---|")
    rows.forEach { print($0) }
    print("")
}

/// Fills a large conntrack table with synthetic flows and times the established path in it.
func conntrackScale(ifindex: Int32) async throws {
    // Sized for the fill, as `--ct-entries` would be: twice its entries in home slots
    // (ConntrackTable.mapElements), since a key may only sit in the SLB_CT_PROBES slots from its home.
    let capacity = UInt32(max(1 << 19, settings.conntrackFill))
    var lines: [String] = []
    for (label, entries, fill) in [
        ("default table, 2 entries", nil as UInt32?, 0), ("large table", capacity, settings.conntrackFill),
    ] {
        let datapath = try await makeDatapath(conntrackEntries: entries)
        let (bench, wrapperObject) = try harness(for: datapath, ifindex: ifindex)
        let ingress = try datapath.programs().ingress
        let conntrack = bench.conntrack
        _ = try TestRun.run(
            ingress, packet: frame(sport: 30000, dst: (10, 10, 100, 1), flags: TCPFlags.syn),
            ifindex: ifindex)
        guard let real = conntrack.entries(limit: 1).first else {
            throw BPFError(operation: "read back the benchmark flow", code: ENOENT)
        }
        let start = Date()
        var refused = 0
        for index in 0..<fill {  // synthetic clients 11.x.y.z:port -> VIP, one entry each
            var key = real.key
            key.saddr.0 = UInt32(0x0b00_0000 | (index >> 6)).bigEndian
            key.sport = UInt16(1024 + index & 63).bigEndian
            do {
                try conntrack.update(key, real.value)
            } catch {
                guard error.code == E2BIG else { throw error }
                refused += 1  // the key's window is full
            }
        }
        let fillSeconds = Date().timeIntervalSince(start)
        let present = conntrack.liveCount
        let established = try bench.measure(ingress, frame(sport: 30000, dst: (10, 10, 100, 1), flags: TCPFlags.ack))
        let floor = try bench.measure(
            try wrapperObject.program(named: SLB_PROG_NOOP),
            frame(sport: 30000, dst: (10, 10, 100, 1), flags: TCPFlags.ack))
        let slots = Int(conntrack.elementCount)
        let mib = String(format: "%.1f", Double(slots * MemoryLayout<slb_ct_slot>.stride) / 1_048_576)
        lines.append(
            "| \(label) | \(slots) | \(present) | \(refused) | \(format(established.median)) (\(format(established.min))–"
                + "\(format(established.max))) | \(format(established.median - floor.median)) | \(mib) | "
                + (fill > 0 ? String(format: "%.1f", fillSeconds) : "-") + " |")
        withExtendedLifetime(wrapperObject) {}
    }
    print("### Conntrack at scale (established dnat flow among synthetic entries)")
    print("")
    print(
        "| table | slots | entries present | inserts refused (window full) | established ns/packet (min–max) | above floor ns | table MiB (slots × \(MemoryLayout<slb_ct_slot>.stride) B) | fill time s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    lines.forEach { print($0) }
    print("")
}

do {
    let ifindex = NetworkInterface.index(of: "fx0") ?? 0
    let kernel =
        (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
    print("<!-- kernel \(kernel), \(ProcessInfo.processInfo.activeProcessorCount) CPUs, \(Date()) -->")
    if settings.firewallOnly {
        try await firewallTable(ifindex: ifindex)
        exit(0)
    }
    try await pathTable(ifindex: ifindex)
    if !settings.pathsOnly { try await conntrackScale(ifindex: ifindex) }
} catch {
    FileHandle.standardError.write(Data("swiftlb-bench: \(error)\n".utf8))
    exit(1)
}
