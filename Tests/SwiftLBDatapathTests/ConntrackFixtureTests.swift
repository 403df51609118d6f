import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// TCP state tracking through a whole connection, driven by real packets.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct ConntrackFixtureTests {
    let sport: UInt16 = 47000

    func client(_ datapath: EBPFDatapath, _ flags: UInt8) throws -> UInt32 {
        try Fixture.clientVerdict(datapath, sport: sport, flags: flags)
    }

    func server(_ datapath: EBPFDatapath, _ flags: UInt8) throws -> UInt32 {
        let packet = Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
            dst: Fixture.client, sport: 8080, dport: sport, tcpFlags: flags)
        return try TestRun.run(try datapath.programs().ingress, packet: packet.bytes, ifindex: Fixture.serverSide)
            .verdict
    }

    func state(_ datapath: EBPFDatapath) async throws -> String? {
        try await datapath.connections().first { $0.clientPort == sport }?.state
    }

    @Test func handshakeDataAndOrderlyClose() async throws {
        let datapath = try await Fixture.datapath()
        #expect(try client(datapath, TCPFlags.syn) == Verdict.redirect)
        #expect(try await state(datapath) == "syn-sent")
        #expect(try server(datapath, TCPFlags.syn | TCPFlags.ack) == Verdict.redirect)
        #expect(try await state(datapath) == "syn-recv")
        #expect(try client(datapath, TCPFlags.ack) == Verdict.redirect)
        #expect(try await state(datapath) == "est")
        #expect(try client(datapath, TCPFlags.fin | TCPFlags.ack) == Verdict.redirect)
        #expect(try await state(datapath) == "fin-wait")
        #expect(try server(datapath, TCPFlags.fin | TCPFlags.ack) == Verdict.redirect)
        #expect(try await state(datapath) == "time-wait")
        let entry = try #require(try await datapath.connections().first)
        #expect(entry.endpointAddress == .v4(0x0a0a_020a))
        #expect(entry.endpointPort == 8080)
        #expect(entry.serviceAddress == .v4(0x0a0a_6401))
        #expect(entry.counters.packets == 5)
    }

    @Test func resetClosesTheFlow() async throws {
        let datapath = try await Fixture.datapath()
        _ = try client(datapath, TCPFlags.syn)
        _ = try server(datapath, TCPFlags.syn | TCPFlags.ack)
        _ = try client(datapath, TCPFlags.ack)
        #expect(try server(datapath, TCPFlags.rst) == Verdict.redirect)
        #expect(try await state(datapath) == "closed")
    }

    @Test func resetWithoutAFlowIsDropped() async throws {
        let datapath = try await Fixture.datapath()
        #expect(try client(datapath, TCPFlags.rst) == Verdict.shot)
        #expect(try await datapath.connections().isEmpty)
        #expect(try datapath.globalCounters()[Int(SLB_CNT_DROP_TCP_NO_CT.rawValue)] == 1)
    }

    @Test func newSynAfterCloseSelectsAgain() async throws {
        let datapath = try await Fixture.datapath()
        _ = try client(datapath, TCPFlags.syn)
        _ = try client(datapath, TCPFlags.rst)
        #expect(try await state(datapath) == "closed")
        _ = try client(datapath, TCPFlags.syn)
        #expect(try await state(datapath) == "syn-sent")
        #expect(try await datapath.connections().first?.endpointAddress == .v4(0x0a0a_020b))
    }

    @Test func garbageCollectionKeepsLiveEntries() async throws {
        let datapath = try await Fixture.datapath()
        _ = try client(datapath, TCPFlags.syn)
        #expect(try datapath.collectExpiredConnections() == 0)
        #expect(try await datapath.connections().count == 1)
    }

    @Test func garbageCollectionRemovesBothDirectionsOfAnIdleFlow() async throws {
        var timeouts = ConntrackTimeouts()
        timeouts.udpNew = 1
        let datapath = try EBPFDatapath(pinRoot: nil, timeouts: timeouts)
        try await datapath.upsert(
            DatapathService(
                id: 3, key: ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .udp), selection: .roundRobin,
                mode: .dnat, endpoints: [DatapathEndpoint(address: .v4(0x0a0a_020a), port: 8080, weight: 1)]))
        let query = Fixture.toVIP(proto: 17, sport: 5000, dport: 80)
        #expect(
            try TestRun.run(try datapath.programs().ingress, packet: query.bytes, ifindex: Fixture.clientSide)
                .verdict == Verdict.redirect)
        #expect(try datapath.collectExpiredConnections() == 0)
        try await Task.sleep(for: .milliseconds(2100))
        #expect(try datapath.collectExpiredConnections() == 2)
        #expect(try await datapath.connections().isEmpty)
    }
}
