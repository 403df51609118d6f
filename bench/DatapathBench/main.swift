import BPFLoader
import Foundation
import PacketTestSupport
import SwiftLBCore
import SwiftLBDatapath

// Cost per packet of each program path through BPF_PROG_TEST_RUN, beside a no-op program.
//
// Every measurement runs the program once per syscall on the ORIGINAL packet (repeat = 1):
// `repeat` > 1 would re-run it on the packet it already rewrote and time the wrong path
// (DESIGN §7). The kernel's per-run duration includes a constant timer overhead, which the
// no-op row measures; the last column subtracts it. Run inside bench/datapath.sh's namespace.

let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 20000

struct Row {
    let path: String
    let samples: [UInt32]
    var sorted: [UInt32] { samples.sorted() }
    func percentile(_ p: Double) -> UInt32 { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
}

func measure(_ path: String, _ program: BPFProgram, ifindex: Int32, packets: (Int) -> [UInt8]) throws -> Row {
    // Warm up caches and the conntrack path first.
    for index in 0..<200 { _ = try TestRun.run(program, packet: packets(index), ifindex: ifindex) }
    var samples: [UInt32] = []
    samples.reserveCapacity(iterations)
    for index in 0..<iterations {
        samples.append(try TestRun.run(program, packet: packets(200 + index), ifindex: ifindex).durationNanoseconds)
    }
    return Row(path: path, samples: samples)
}

func packet(sport: UInt16, dst: (UInt8, UInt8, UInt8, UInt8) = (10, 10, 100, 1), flags: UInt8 = TCPFlags.syn)
    -> [UInt8]
{
    Packet(
        srcMAC: [2, 0, 0, 0, 0, 2], dstMAC: [2, 0, 0, 0, 0, 1], src: (10, 10, 1, 2), dst: dst, sport: sport,
        dport: 80, tcpFlags: flags
    ).bytes
}

do {
    let datapath = try EBPFDatapath(pinRoot: nil)
    let service = DatapathService(
        id: 1, key: ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp), selection: .roundRobin, mode: .dnat,
        endpoints: [10, 11, 12].map { DatapathEndpoint(address: .v4(0x0a0a_0200 | $0), port: 8080, weight: 1) })
    try await datapath.upsert(service)
    let ingress = try datapath.programs().ingress
    let noop = try datapath.object.program(named: "slb_tc_noop")
    let ifindex = NetworkInterface.index(of: "fx0") ?? 0
    let established = packet(sport: 30000, flags: TCPFlags.ack)
    _ = try TestRun.run(ingress, packet: packet(sport: 30000), ifindex: ifindex)

    let rows = [
        try measure("no-op program (floor)", noop, ifindex: ifindex) { _ in established },
        try measure("non-VIP traffic (pass)", ingress, ifindex: ifindex) { _ in
            packet(sport: 30000, dst: (10, 10, 2, 10))
        },
        try measure("established TCP flow (DNAT + redirect)", ingress, ifindex: ifindex) { _ in established },
        try measure("new TCP flow (select + 2 CT inserts + DNAT)", ingress, ifindex: ifindex) { index in
            // A fresh tuple each time: vary the source port and the client's last octet.
            var bytes = packet(sport: UInt16(1024 + index % 60000))
            bytes[29] = UInt8(2 + (index / 60000) % 200)
            bytes[24] = 0
            bytes[25] = 0
            let sum = Checksum.fold(Checksum.sum(Array(bytes[14..<34])))
            bytes[24] = UInt8(sum >> 8)
            bytes[25] = UInt8(sum & 0xff)
            return bytes
        },
    ]
    let floor = Double(rows[0].percentile(0.5))
    let kernel =
        (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
    print("SwiftLB datapath cost per packet (BPF_PROG_TEST_RUN, \(iterations) single runs per path, kernel \(kernel),")
    print("\(ProcessInfo.processInfo.activeProcessorCount) CPUs, \(Date()))")
    print("")
    print("| path | median ns | p10 ns | p90 ns | median above floor ns | ratio to floor |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows {
        let median = Double(row.percentile(0.5))
        let ratio = floor > 0 ? String(format: "%.2f", median / floor) : "-"
        print(
            "| \(row.path) | \(row.percentile(0.5)) | \(row.percentile(0.1)) | \(row.percentile(0.9)) | "
                + "\(Int(median - floor)) | \(ratio) |")
    }
} catch {
    FileHandle.standardError.write(Data("swiftlb-bench: \(error)\n".utf8))
    exit(1)
}
