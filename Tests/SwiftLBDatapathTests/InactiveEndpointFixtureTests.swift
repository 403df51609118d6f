import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Endpoints flagged inactive (health down): no new flows go to them, tracked flows keep them, and a
/// service whose endpoints are all inactive drops new flows as "no endpoint".
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct InactiveEndpointFixtureTests {
    func run(_ datapath: EBPFDatapath, _ packet: Packet) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: packet.bytes, ifindex: Fixture.clientSide)
    }

    /// The fixture service (.10, .11, .12) with the endpoints in `inactive` flagged.
    func flag(_ datapath: EBPFDatapath, inactive: Set<UInt8>, selection: SelectionAlgorithm = .roundRobin)
        async throws
    {
        let service = DatapathService(
            id: 7, key: ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp), selection: selection, mode: .dnat,
            endpoints: [10, 11, 12].map {
                DatapathEndpoint(
                    address: .v4(0x0a0a_0200 | UInt32($0)), port: 8080, weight: 1, active: !inactive.contains($0))
            })
        try await datapath.upsert(service)
    }

    @Test(arguments: [SelectionAlgorithm.roundRobin, .hash])
    func newFlowsSkipAnInactiveEndpoint(selection: SelectionAlgorithm) async throws {
        let datapath = try await Fixture.datapath(selection: selection)
        try await flag(datapath, inactive: [11], selection: selection)
        #expect(try await datapath.programmedServices().first?.endpoints.map(\.active) == [true, false, true])
        var chosen: [UInt8: Int] = [:]
        for sport in UInt16(46000)..<46030 {
            let result = try run(datapath, Fixture.toVIP(sport: sport))
            #expect(result.verdict == Verdict.redirect)
            #expect(Checksum.valid(result.packet))
            chosen[result.packet[33], default: 0] += 1
        }
        #expect(chosen[11] == nil)
        #expect(chosen.values.reduce(0, +) == 30 && chosen.keys.sorted() == [10, 12])
    }

    @Test func trackedFlowKeepsItsInactiveEndpointUntilItEnds() async throws {
        let datapath = try await Fixture.datapath()
        #expect(try run(datapath, Fixture.toVIP(sport: 47000)).packet[33] == 10)
        try await flag(datapath, inactive: [10])
        let data = try run(datapath, Fixture.toVIP(sport: 47000, flags: TCPFlags.ack | TCPFlags.psh))
        #expect(data.verdict == Verdict.redirect)
        #expect(data.packet[33] == 10, "an established flow is not moved off an unhealthy endpoint")
        #expect(try run(datapath, Fixture.toVIP(sport: 47001)).packet[33] != 10)
    }

    @Test func allInactiveDropsNewFlowsAsNoEndpointAndRecovers() async throws {
        let datapath = try await Fixture.datapath()
        try await flag(datapath, inactive: [10, 11, 12])
        let dropped = try run(datapath, Fixture.toVIP(sport: 48000))
        #expect(dropped.verdict == Verdict.shot)
        #expect(try datapath.globalCounters()[Int(SLB_CNT_DROP_NO_ENDPOINT.rawValue)] == 1)
        try await flag(datapath, inactive: [])
        let back = try run(datapath, Fixture.toVIP(sport: 48001))
        #expect(back.verdict == Verdict.redirect)
    }
}
