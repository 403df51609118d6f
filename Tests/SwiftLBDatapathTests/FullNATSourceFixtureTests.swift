import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Full NAT with the instance's configured source addresses (`swiftlb --fullnat-source`) and a rule's
/// own pool (`snatSources`), for full NAT and onearm.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct FullNATSourceFixtureTests {
    static let source: (UInt8, UInt8, UInt8, UInt8) = (10, 10, 50, 1)

    @Test func fullNATFlowsLeaveFromTheConfiguredAddressAndRepliesToItAreReversed() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil, fullNATSource: SNATPool(first: 0x0a0a_3201, count: 1))
        try await datapath.upsert(
            DatapathService(
                id: 3, key: ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp), selection: .roundRobin,
                mode: .fullNAT, endpoints: [DatapathEndpoint(address: .v4(0x0a0a_020a), port: 8080, weight: 1)]))
        let ingress = try datapath.programs().ingress
        let syn = Fixture.toVIP()
        let out = try TestRun.run(ingress, packet: syn.bytes, ifindex: Fixture.clientSide)
        let port = UInt16(out.packet[34]) << 8 | UInt16(out.packet[35])
        var expected = syn
        (expected.src, expected.sport) = (Self.source, port)
        (expected.dst, expected.dport, expected.ttl) = (Fixture.endpoint(10), 8080, 63)
        (expected.srcMAC, expected.dstMAC) = (Fixture.serverSideMAC, Fixture.endpointMAC(10))
        #expect(out.verdict == Verdict.redirect)
        #expect(out.packet == expected.bytes)
        #expect(Checksum.valid(out.packet))

        let synAck = Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
            dst: Self.source, sport: 8080, dport: port, tcpFlags: TCPFlags.syn | TCPFlags.ack)
        let back = try TestRun.run(ingress, packet: synAck.bytes, ifindex: Fixture.serverSide)
        var expectedBack = synAck
        (expectedBack.src, expectedBack.sport, expectedBack.ttl) = (Fixture.vip, 80, 63)
        (expectedBack.dst, expectedBack.dport) = (Fixture.client, 40000)
        (expectedBack.srcMAC, expectedBack.dstMAC) = (Fixture.clientSideMAC, Fixture.clientMAC)
        #expect(back.verdict == Verdict.redirect)
        #expect(back.packet == expectedBack.bytes)
        #expect(Checksum.valid(back.packet))
    }

    /// Sends SYNs from client ports 40000..<40000+`flows` and returns the source address each left
    /// with (host order), checking each reply to it comes back to the client.
    func sources(_ datapath: EBPFDatapath, flows: UInt16) throws -> [UInt32] {
        let ingress = try datapath.programs().ingress
        var result: [UInt32] = []
        for sport in 40000..<(40000 + flows) {
            let out = try TestRun.run(ingress, packet: Fixture.toVIP(sport: sport).bytes, ifindex: Fixture.clientSide)
            #expect(out.verdict == Verdict.redirect)
            let source = out.packet[26..<30].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let port = UInt16(out.packet[34]) << 8 | UInt16(out.packet[35])
            let synAck = Packet(
                srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
                dst: (UInt8(source >> 24), UInt8(source >> 16 & 0xff), UInt8(source >> 8 & 0xff), UInt8(source & 0xff)),
                sport: 8080, dport: port, tcpFlags: TCPFlags.syn | TCPFlags.ack)
            let back = try TestRun.run(ingress, packet: synAck.bytes, ifindex: Fixture.serverSide)
            #expect(back.verdict == Verdict.redirect)
            #expect(Array(back.packet[30..<34]) == [10, 10, 1, 2])
            #expect(UInt16(back.packet[36]) << 8 | UInt16(back.packet[37]) == sport)
            result.append(source)
        }
        return result
    }

    func service(mode: NATMode, pool: SNATPool?) -> DatapathService {
        DatapathService(
            id: 3, key: ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp), selection: .roundRobin,
            mode: mode, endpoints: [DatapathEndpoint(address: .v4(0x0a0a_020a), port: 8080, weight: 1)],
            sourcePool: pool)
    }

    @Test func fullNATFlowsSpreadOverTheInstancesPool() async throws {
        let pool = try #require(SNATPool(first: 0x0a0a_3200, count: 4))  // 10.10.50.0/30
        let datapath = try EBPFDatapath(pinRoot: nil, fullNATSource: pool)
        try await datapath.upsert(service(mode: .fullNAT, pool: nil))
        let used = try sources(datapath, flows: 32)
        #expect(used.allSatisfy { (0x0a0a_3200...0x0a0a_3203).contains($0) })
        #expect(Set(used).count == 4)
    }

    @Test func aRulesPoolReplacesTheInstancesAndTheInterfaceAddress() async throws {
        let rulePool = try #require(SNATPool(first: 0x0a0a_3c01, count: 2))  // 10.10.60.1-10.10.60.2
        for mode in [NATMode.fullNAT, .oneArm] {
            let datapath = try EBPFDatapath(pinRoot: nil, fullNATSource: SNATPool(first: 0x0a0a_3201, count: 1))
            try await datapath.upsert(service(mode: mode, pool: rulePool))
            try datapath.syncInterfaceAddresses()
            let used = try sources(datapath, flows: 16)
            #expect(Set(used) == [0x0a0a_3c01, 0x0a0a_3c02])
            // Read back as written, and cleared with the service.
            #expect(try await datapath.programmedServices().first?.sourcePool == rulePool)
            try await datapath.remove(key: service(mode: mode, pool: nil).key, id: 3)
            #expect(try datapath.sourcePools.lookup(3)?.count == 0)
        }
    }
}
