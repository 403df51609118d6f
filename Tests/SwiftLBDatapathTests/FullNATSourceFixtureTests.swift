import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Full NAT with the instance's configured source address (`swiftlb --fullnat-source`).
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct FullNATSourceFixtureTests {
    static let source: (UInt8, UInt8, UInt8, UInt8) = (10, 10, 50, 1)

    @Test func fullNATFlowsLeaveFromTheConfiguredAddressAndRepliesToItAreReversed() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil, fullNATSource: IPAddress("10.10.50.1"))
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
}
