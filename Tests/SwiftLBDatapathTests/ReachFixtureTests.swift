import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Port ranges, secondary VIPs and source allow-lists through the real programs.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct ReachFixtureTests {
    static let vip = IPAddress.v4(0x0a0a_6401)  // 10.10.100.1
    static let secondary = IPAddress.v4(0x0a0a_6402)  // 10.10.100.2

    /// VIP ports 8000-8002 (and the secondary VIP) -> endpoint .10, keeping the port unless `targetPort` is set.
    static func service(targetPort: UInt16 = 0, allowed: [String] = [], secondary: Bool = true) -> DatapathService {
        DatapathService(
            id: 5, key: ServiceKey(vip: vip, port: 8000, proto: .tcp), selection: .roundRobin, mode: .dnat,
            endpoints: [DatapathEndpoint(address: .v4(0x0a0a_020a), port: targetPort, weight: 1)], portMax: 8002,
            secondaryVIPs: secondary ? [Self.secondary] : [], allowedSources: allowed.compactMap(IPPrefix.init))
    }

    static func datapath(_ service: DatapathService) async throws -> EBPFDatapath {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(service)
        return datapath
    }

    func run(_ datapath: EBPFDatapath, _ packet: Packet) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: packet.bytes, ifindex: Fixture.clientSide)
    }

    /// The SYN `packet` as the program must emit it toward endpoint .10 on `port`.
    func translated(_ packet: Packet, port: UInt16) -> [UInt8] {
        var expected = packet
        (expected.dst, expected.dport, expected.ttl) = (Fixture.endpoint(10), port, 63)
        (expected.srcMAC, expected.dstMAC) = (Fixture.serverSideMAC, Fixture.endpointMAC(10))
        return expected.bytes
    }

    @Test func everyPortOfARangeIsBalancedAndKeepsItsPort() async throws {
        let datapath = try await Self.datapath(Self.service())
        for (index, port) in [UInt16(8000), 8001, 8002].enumerated() {
            let syn = Fixture.toVIP(sport: 41000 + UInt16(index), dport: port)
            let result = try run(datapath, syn)
            #expect(result.verdict == Verdict.redirect)
            #expect(result.packet == translated(syn, port: port))
            #expect(Checksum.valid(result.packet))
        }
        let outside = Fixture.toVIP(dport: 8003)
        let passed = try run(datapath, outside)
        #expect(passed.verdict == Verdict.ok)
        #expect(passed.packet == outside.bytes)
        #expect(try await datapath.connections().map(\.endpointPort).sorted() == [8000, 8001, 8002])
    }

    @Test func aRangeWithATargetPortSendsEveryPortThere() async throws {
        let datapath = try await Self.datapath(Self.service(targetPort: 9090))
        let syn = Fixture.toVIP(dport: 8002)
        let result = try run(datapath, syn)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == translated(syn, port: 9090))
    }

    @Test func aSecondaryVIPReachesTheSameServiceAndRepliesComeFromIt() async throws {
        let datapath = try await Self.datapath(Self.service(targetPort: 9090))
        var syn = Fixture.toVIP(dport: 8001)
        syn.dst = (10, 10, 100, 2)
        let result = try run(datapath, syn)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == translated(syn, port: 9090))
        let reply = Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
            dst: Fixture.client, sport: 9090, dport: 40000, tcpFlags: TCPFlags.syn | TCPFlags.ack)
        let back = try TestRun.run(try datapath.programs().ingress, packet: reply.bytes, ifindex: Fixture.serverSide)
        var expected = reply
        (expected.src, expected.sport, expected.ttl) = ((10, 10, 100, 2), 8001, 63)
        (expected.srcMAC, expected.dstMAC) = (Fixture.clientSideMAC, Fixture.clientMAC)
        #expect(back.verdict == Verdict.redirect)
        #expect(back.packet == expected.bytes)
        #expect(Checksum.valid(back.packet))
    }

    @Test func sourcesOutsideTheAllowListAreDroppedAndCounted() async throws {
        let datapath = try await Self.datapath(Self.service(allowed: ["10.10.9.0/24", "10.10.1.2/32"]))
        let allowed = Fixture.toVIP(dport: 8000)
        #expect(try run(datapath, allowed).verdict == Verdict.redirect)

        var refused = Fixture.toVIP(sport: 42000, dport: 8000)
        refused.src = (10, 10, 1, 3)
        let result = try run(datapath, refused)
        #expect(result.verdict == Verdict.shot)
        #expect(try datapath.globalCounters()[Int(SLB_CNT_DROP_NOT_ALLOWED.rawValue)] == 1)
        #expect(try await datapath.connections().count == 1)

        var inPrefix = Fixture.toVIP(sport: 42001, dport: 8002)
        inPrefix.src = (10, 10, 9, 200)
        #expect(try run(datapath, inPrefix).verdict == Verdict.redirect)
    }

    @Test func programmedServicesReadBackAndUpdatesRemoveStaleEntries() async throws {
        let original = Self.service(allowed: ["10.10.1.0/24", "10.10.9.0/24"])
        let datapath = try await Self.datapath(original)
        #expect(try await datapath.programmedServices() == [original])

        // Narrower range, no secondary VIP, one prefix fewer: the dropped keys and prefix are gone.
        var narrowed = original
        narrowed.portMax = 8001
        narrowed.secondaryVIPs = []
        narrowed.allowedSources = [IPPrefix("10.10.1.0/24")!]
        try await datapath.upsert(narrowed)
        #expect(try await datapath.programmedServices() == [narrowed])
        #expect(try run(datapath, Fixture.toVIP(dport: 8002)).verdict == Verdict.ok)
        var toSecondary = Fixture.toVIP(dport: 8000)
        toSecondary.dst = (10, 10, 100, 2)
        #expect(try run(datapath, toSecondary).verdict == Verdict.ok)
        var fromDropped = Fixture.toVIP(dport: 8000)
        fromDropped.src = (10, 10, 9, 1)
        #expect(try run(datapath, fromDropped).verdict == Verdict.shot)

        try await datapath.remove(key: narrowed.key, id: narrowed.id)
        #expect(try await datapath.programmedServices().isEmpty)
        #expect(try datapath.allowList.keys().isEmpty)
        #expect(try run(datapath, Fixture.toVIP(dport: 8000)).verdict == Verdict.ok)
    }

    @Test func aRestartedDatapathRemovesEveryEntryOfAServiceItDidNotWrite() async throws {
        // Pins live on a bpffs private to this test process (`ip netns exec` has its own /sys).
        let pinRoot = "/sys/fs/bpf/slb-reach-fixture"
        try BPFFilesystem.prepare(pinRoot: pinRoot)
        defer { try? BPFFilesystem.removePins(pinRoot: pinRoot) }
        let service = Self.service(allowed: ["10.10.1.0/24"])
        let first = try EBPFDatapath(pinRoot: pinRoot)
        try await first.upsert(service)

        let second = try EBPFDatapath(pinRoot: pinRoot)
        #expect(try await second.programmedServices() == [service])
        try await second.remove(key: service.key, id: service.id)
        #expect(try first.services.keys().isEmpty)
        #expect(try first.allowList.keys().isEmpty)
    }
}
