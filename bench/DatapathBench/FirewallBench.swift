import BPFLoader
import Foundation
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import SwiftLBDatapath

/// The firewall's cost on the first packet of a flow (FW4 stage, bpf/lib/fw.h): the new-flow path
/// of a dnat service with no rule, with one rule, and with 100,000 rules in one mask and spread over
/// all 32 masks (the lookup's bound); then a SYN dropped by a rule among 100,000. Also the cost of
/// a firewall SNAT flow's first packet, and what an everyPacket rule costs tracked flows (IPv4 and
/// IPv6 established packets through FW4 / FW6).
func firewallTable(ifindex: Int32) async throws {
    let datapath = try await makeDatapath()
    try datapath.clearFirewall()
    let firewall = FirewallStore(persistence: InMemoryFirewallConfigStore(), datapath: datapath)
    let (bench, wrapperObject) = try harness(for: datapath, ifindex: ifindex)
    let ingress = try datapath.programs().ingress
    let syn = frame(sport: 1024, dst: (10, 10, 100, 1), flags: TCPFlags.syn)
    let floorNew = try bench.measure(try wrapperObject.program(named: SLB_PROG_NOOP), syn, newFlows: true)
    var rows: [String] = []
    func measure(_ label: String) throws {
        rows.append(row(label, try bench.measure(ingress, syn, newFlows: true), floor: floorNew.median))
    }
    func drop(_ source: String, preference: Int = 1, every: Bool = false) -> FirewallEntry {
        FirewallEntry(
            ruleArguments: FirewallRuleArguments(sourceIP: source, preference: preference),
            opts: FirewallOptions(drop: true, everyPacket: every))
    }
    // Tracked flows: an ACK of a flow opened just before (IPv4 and IPv6 VIPs), against its own floor.
    let ack = frame(sport: 30000, dst: (10, 10, 100, 1), flags: TCPFlags.ack)
    let ack6 = frame6(sport: 30000, flags: TCPFlags.ack)
    let floor = try bench.measure(try wrapperObject.program(named: SLB_PROG_NOOP), ack)
    func measureTracked(_ label: String) throws {
        for (family, packet, syn) in [
            ("IPv4", ack, frame(sport: 30000, dst: (10, 10, 100, 1), flags: TCPFlags.syn)),
            ("IPv6", ack6, frame6(sport: 30000, flags: TCPFlags.syn)),
        ] {
            _ = try TestRun.run(ingress, packet: syn, ifindex: ifindex)
            rows.append(
                row(
                    "established TCP flow, \(family), \(label)", try bench.measure(ingress, packet), floor: floor.median
                ))
        }
    }
    try measure("new TCP flow, dnat, no firewall rule")
    try measureTracked("no firewall rule")
    try await firewall.add(drop("192.0.2.1/32"))
    try measure("new TCP flow, dnat, 1 firewall rule (no match)")
    try await firewall.add(drop("192.0.2.2/32", every: true))
    try await firewall.add(drop("2001:db8::2/128", every: true))
    try measureTracked("an everyPacket rule per family (no match)")
    try await firewall.delete(FirewallRuleArguments(sourceIP: "192.0.2.2/32", preference: 1))
    try await firewall.delete(FirewallRuleArguments(sourceIP: "2001:db8::2/128", preference: 1))
    try await firewall.add(
        FirewallEntry(
            ruleArguments: FirewallRuleArguments(sourceIP: "10.10.1.0/24", preference: 9),
            opts: FirewallOptions(doSnat: true, toIP: "10.10.50.1", onDefault: true)))
    // The wrapper walks source ports 1024-65535; outside the allocator's range a flow starts at a
    // hashed port, so a few find SLB_NAT_PORT_TRIES ports in a row taken: the check column counts them.
    let toServer = frame(sport: 33000, dst: (10, 10, 2, 10), flags: TCPFlags.syn)
    let before = try await datapath.packetCounters()
    let snatSample = try bench.measure(ingress, toServer, newFlows: true)
    let after = try await datapath.packetCounters()
    func delta(_ name: String) -> UInt64 { (after[name] ?? 0) - (before[name] ?? 0) }
    rows.append(
        row(
            "new TCP flow to no service, firewall SNAT (--egress)", snatSample, floor: floorNew.median,
            check: ", \(delta("ct_fw_snat")) flows, \(delta("drop_nat_ports")) without a free port"))
    try await firewall.delete(FirewallRuleArguments(sourceIP: "10.10.1.0/24", preference: 9))
    let clock = ContinuousClock()
    let started = clock.now
    for index in 1..<100_000 {
        try await firewall.add(drop("10.\(20 + index / 65536).\((index / 256) % 256).\(index % 256)/32"))
    }
    let loaded = clock.now - started
    try measure("new TCP flow, dnat, 100,000 rules in 1 mask (no match)")
    // 31 more masks (source prefix lengths /1../31 of an unused range): every lookup walks all 32.
    for length in 1...31 { try await firewall.add(drop("240.0.0.0/\(length)", preference: 2)) }
    try measure("new TCP flow, dnat, 100,031 rules in 32 masks (no match)")
    try await firewall.add(drop("240.0.0.1/32", preference: 2, every: true))
    try measureTracked("100,032 rules in 32 masks, one everyPacket (no match)")
    try await firewall.add(drop("10.10.1.2/32", preference: 3))
    let dropped = try bench.measure(ingress, syn, newFlows: true)
    rows.append(row("SYN dropped by a rule among 100,032 in 32 masks", dropped, floor: floorNew.median))
    withExtendedLifetime(wrapperObject) {}

    print("### Firewall cost on the first packet of a flow (BPF_PROG_TEST_RUN, repeat \(settings.newFlowRepeat))")
    print("")
    print("Loading 99,999 rules one by one through FirewallStore (tables, map writes): \(loaded).")
    print("")
    print("| path | median ns/packet | min–max | above floor ns | within target | last verdict, check |")
    print("|---|---:|---:|---:|---|---|")
    rows.forEach { print($0) }
    print("")
}
