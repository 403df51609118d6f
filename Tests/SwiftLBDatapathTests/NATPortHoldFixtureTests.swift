import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// A full NAT source port whose flow both ends closed stays with that flow for the endpoint's TIME_WAIT
/// (SLB_NAT_TIME_WAIT_S), in the datapath and in the garbage collector; only the same client tuple may
/// take it over earlier (issue 21). Time is moved by back-dating the flow's entries.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct NATPortHoldFixtureTests {
    static let second: UInt64 = 1_000_000_000

    func run(_ datapath: EBPFDatapath, _ packet: Packet, on ifindex: Int32) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: packet.bytes, ifindex: ifindex)
    }

    /// A packet of client 10.10.1.`last`:`sport` to the VIP; returns the verdict and the source port it left with.
    func fromClient(_ datapath: EBPFDatapath, _ last: UInt8, _ sport: UInt16, flags: UInt8) throws -> (
        verdict: UInt32, port: UInt16
    ) {
        var packet = Fixture.toVIP(sport: sport, flags: flags)
        packet.src = (10, 10, 1, last)
        let result = try run(datapath, packet, on: Fixture.clientSide)
        return (result.verdict, UInt16(result.packet[34]) << 8 | UInt16(result.packet[35]))
    }

    /// A packet of endpoint .`last`:8080 to VIP:`port` (full NAT's source address is the VIP).
    func fromEndpoint(_ datapath: EBPFDatapath, _ last: UInt8 = 10, to port: UInt16, flags: UInt8) throws
        -> TestRun.Result
    {
        let packet = Packet(
            srcMAC: Fixture.endpointMAC(last), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(last),
            dst: Fixture.vip, sport: 8080, dport: port, tcpFlags: flags)
        return try run(datapath, packet, on: Fixture.serverSide)
    }

    /// Opens client .`last`:`sport` through full NAT and closes it with a FIN from each end and the last ACK;
    /// returns the source port it had.
    func openAndClose(_ datapath: EBPFDatapath, _ last: UInt8, _ sport: UInt16) throws -> UInt16 {
        let port = try fromClient(datapath, last, sport, flags: TCPFlags.syn).port
        _ = try fromEndpoint(datapath, to: port, flags: TCPFlags.syn | TCPFlags.ack)
        _ = try fromClient(datapath, last, sport, flags: TCPFlags.ack)
        _ = try fromEndpoint(datapath, to: port, flags: TCPFlags.fin | TCPFlags.ack)
        _ = try fromClient(datapath, last, sport, flags: TCPFlags.fin | TCPFlags.ack)
        _ = try fromEndpoint(datapath, to: port, flags: TCPFlags.ack)
        return port
    }

    /// Moves every conntrack entry's last packet `seconds` into the past.
    func age(_ datapath: EBPFDatapath, by seconds: UInt64) throws {
        let now = EBPFDatapath.monotonicNanoseconds()
        for entry in datapath.conntrack.entries() {
            var value = entry.value
            value.last_seen_ns = now - seconds * Self.second
            try datapath.conntrack.update(entry.key, value)
        }
    }

    @Test func aClosedFlowsPortIsNotGivenToAnotherClientWithinTimeWait() async throws {
        let datapath = try await Fixture.datapath(mode: .fullNAT, endpoints: [10])
        #expect(try openAndClose(datapath, 2, 40000) == 40000)
        #expect(try await datapath.connections().map(\.state) == ["time-wait"])
        // Past the 10 s closed timeout, within the endpoint's 60 s TIME_WAIT: the garbage collector
        // keeps both entries and another client's flow leaves from another port.
        try age(datapath, by: 30)
        #expect(try datapath.collectExpiredConnections() == 0)
        let other = try fromClient(datapath, 3, 40000, flags: TCPFlags.syn)
        #expect(other.verdict == Verdict.redirect)
        #expect(other.port != 40000 && NATModeFixtureTests.portRange.contains(other.port))
        var counters = try await datapath.packetCounters()
        #expect(counters["nat_port_held"] == 1)
        #expect(counters["nat_port_retry"] == 0)
        // The same client tuple may reopen its own four-tuple: its timestamps only grow.
        let again = try fromClient(datapath, 2, 40000, flags: TCPFlags.syn)
        #expect(again.verdict == Verdict.redirect && again.port == 40000)
        counters = try await datapath.packetCounters()
        #expect(counters["ct_reopen"] == 1)
    }

    /// Round robin over .10 and .11: client .2:40000 opens and closes a flow to .10, then opens the same
    /// tuple again, which goes to .11 while .10 may still hold the first four-tuple in TIME_WAIT.
    func reopenElsewhere() async throws -> EBPFDatapath {
        let datapath = try await Fixture.datapath(mode: .fullNAT, endpoints: [10, 11])
        #expect(try openAndClose(datapath, 2, 40000) == 40000)
        #expect(try fromClient(datapath, 2, 40000, flags: TCPFlags.syn).port == 40000)
        #expect(try await datapath.connections().map(\.endpointAddress) == [.v4(0x0a0a_020b)])
        #expect(try await datapath.packetCounters()["ct_reopen"] == 1)
        return datapath
    }

    @Test func aReopenedFlowThatMovesToAnotherEndpointLeavesTheOldPortHeld() async throws {
        let datapath = try await reopenElsewhere()
        #expect(try datapath.collectExpiredConnections() == 0)
        // Another client sent to .10 does not get the held four-tuple ...
        let other = try fromClient(datapath, 3, 40000, flags: TCPFlags.syn)
        #expect(other.verdict == Verdict.redirect && other.port != 40000)
        #expect(try await datapath.packetCounters()["nat_port_held"] == 1)
        _ = try fromClient(datapath, 4, 40000, flags: TCPFlags.syn)  // to .11: the next one goes to .10
        // ... but the first client, sent to .10 again, takes its own four-tuple back.
        _ = try fromClient(datapath, 2, 40000, flags: TCPFlags.rst | TCPFlags.ack)
        let back = try fromClient(datapath, 2, 40000, flags: TCPFlags.syn)
        #expect(back.verdict == Verdict.redirect && back.port == 40000)
        let flows = try await datapath.connections().filter { $0.clientAddress == .v4(0x0a0a_0102) }
        #expect(flows.map(\.endpointAddress) == [.v4(0x0a0a_020a)])
        #expect(try await datapath.packetCounters()["nat_port_held"] == 1)
    }

    @Test func aHeldEntryLeftByAReopenedFlowAgesAlone() async throws {
        let datapath = try await reopenElsewhere()
        let now = EBPFDatapath.monotonicNanoseconds()
        for entry in datapath.conntrack.entries() where entry.value.state == UInt8(SLB_CT_TIME_WAIT.rawValue) {
            var value = entry.value
            value.last_seen_ns = now - (UInt64(SLB_NAT_TIME_WAIT_S) + 1) * Self.second
            try datapath.conntrack.update(entry.key, value)
        }
        #expect(try datapath.collectExpiredConnections() == 1)
        #expect(try await datapath.connections().map(\.endpointAddress) == [.v4(0x0a0a_020b)])
        #expect(datapath.conntrack.entries().count == 2)
    }

    @Test func theHoldEndsAfterTimeWait() async throws {
        let datapath = try await Fixture.datapath(mode: .fullNAT, endpoints: [10])
        #expect(try openAndClose(datapath, 2, 40000) == 40000)
        try age(datapath, by: UInt64(SLB_NAT_TIME_WAIT_S) + 1)
        #expect(try datapath.collectExpiredConnections() == 2)
        #expect(try fromClient(datapath, 3, 40000, flags: TCPFlags.syn).port == 40000)
        #expect(try await datapath.packetCounters()["nat_port_held"] == 0)
    }

    @Test func aFlowClosedByResetHoldsNoPort() async throws {
        // No TIME_WAIT follows a RST, so the port is free after the closed timeout (10 s).
        let datapath = try await Fixture.datapath(mode: .fullNAT, endpoints: [10])
        let port = try fromClient(datapath, 2, 40000, flags: TCPFlags.syn).port
        _ = try fromEndpoint(datapath, to: port, flags: TCPFlags.rst | TCPFlags.ack)
        #expect(try await datapath.connections().map(\.state) == ["closed"])
        try age(datapath, by: 11)
        #expect(try datapath.collectExpiredConnections() == 2)
        #expect(try fromClient(datapath, 3, 40000, flags: TCPFlags.syn).port == 40000)
    }

    @Test func aLivePortIsRetriedAndCounted() async throws {
        let datapath = try await Fixture.datapath(mode: .fullNAT, endpoints: [10])
        #expect(try fromClient(datapath, 2, 40000, flags: TCPFlags.syn).port == 40000)
        #expect(try fromClient(datapath, 3, 40000, flags: TCPFlags.syn).port == 40001)
        let counters = try await datapath.packetCounters()
        #expect(counters["nat_port_retry"] == 1 && counters["nat_port_held"] == 0)
    }

    @Test func aReplyToAnExpiredFlowIsCountedAndNotTranslated() async throws {
        let datapath = try await Fixture.datapath(mode: .fullNAT, endpoints: [10])
        let port = try fromClient(datapath, 2, 40000, flags: TCPFlags.syn).port
        try age(datapath, by: 3 * UInt64(SLB_NAT_TIME_WAIT_S))
        let late = try fromEndpoint(datapath, to: port, flags: TCPFlags.syn | TCPFlags.ack)
        #expect(late.verdict == Verdict.ok)
        let counters = try await datapath.packetCounters()
        #expect(counters["reply_no_flow"] == 1 && counters["ct_expired"] == 1)
        #expect(try await datapath.connections().isEmpty)
    }
}
