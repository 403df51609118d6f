import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Packets through the real programs with BPF_PROG_TEST_RUN: NAT mode 0 (DNAT), IPv4, TCP and UDP.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct DNATFixtureTests {
    func run(_ datapath: EBPFDatapath, _ packet: Packet, on ifindex: Int32) throws -> TestRun.Result {
        try TestRun.run(try datapath.programs().ingress, packet: packet.bytes, ifindex: ifindex)
    }

    /// `packet` (client to VIP) as it must leave for endpoint 10: DNAT to :8080, routed one hop.
    func atEndpoint(_ packet: Packet) -> Packet {
        var expected = packet
        (expected.dst, expected.dport, expected.ttl) = (Fixture.endpoint(10), 8080, packet.ttl - 1)
        (expected.srcMAC, expected.dstMAC) = (Fixture.serverSideMAC, Fixture.endpointMAC(10))
        return expected
    }

    @Test func tcpSynToVIPIsTranslatedAndRedirectedToTheEndpoint() async throws {
        let datapath = try await Fixture.datapath()
        let syn = Fixture.toVIP()
        let result = try run(datapath, syn, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == atEndpoint(syn).bytes)
        #expect(Checksum.valid(result.packet))
        let counters = try datapath.globalCounters()
        #expect(counters[Int(SLB_CNT_CT_NEW.rawValue)] == 1)
        #expect(counters[Int(SLB_CNT_FWD_REDIRECT.rawValue)] == 1)
        let named = try await datapath.packetCounters()
        #expect(named["ct_new"] == 1 && named["fwd_redirect"] == 1 && named["rx"] == 1)
        #expect(named.count == PacketCounterNames.all.count)
    }

    @Test func replyFromEndpointIsReverseTranslatedToTheClient() async throws {
        let datapath = try await Fixture.datapath()
        _ = try run(datapath, Fixture.toVIP(), on: Fixture.clientSide)
        let synAck = Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
            dst: Fixture.client, sport: 8080, dport: 40000, tcpFlags: TCPFlags.syn | TCPFlags.ack)
        let result = try run(datapath, synAck, on: Fixture.serverSide)

        var expected = synAck
        expected.src = Fixture.vip
        expected.sport = 80
        expected.ttl = 63
        expected.srcMAC = Fixture.clientSideMAC
        expected.dstMAC = Fixture.clientMAC
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == expected.bytes)
        #expect(Checksum.valid(result.packet))
    }

    /// IPv4 options move the L4 header: the rewrite falls back to the checksum helpers.
    @Test func tcpWithIPOptionsIsTranslatedThroughTheHelpers() async throws {
        let datapath = try await Fixture.datapath()
        var syn = Fixture.toVIP()
        syn.ipOptions = [1, 1, 1, 0]  // NOP, NOP, NOP, end of options
        let result = try run(datapath, syn, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet == atEndpoint(syn).bytes)
        #expect(Checksum.valid(result.packet))
    }

    /// A zero UDP checksum means "none" (RFC 768) and must stay zero through the direct rewrite.
    @Test func udpWithoutChecksumStaysWithout() async throws {
        let datapath = try await Fixture.datapath(proto: .udp)
        var query = Fixture.toVIP(proto: 17, sport: 5353, dport: 80)
        query.payload = Array("hello".utf8)
        query.udpChecksum = false
        let out = try run(datapath, query, on: Fixture.clientSide)
        #expect(out.verdict == Verdict.redirect)
        #expect(out.packet == atEndpoint(query).bytes)
        #expect(out.packet[14 + 20 + 6] == 0 && out.packet[14 + 20 + 7] == 0)
    }

    @Test func udpIsTranslatedBothWays() async throws {
        let datapath = try await Fixture.datapath(proto: .udp)
        var query = Fixture.toVIP(proto: 17, sport: 5353, dport: 80)
        query.payload = Array("hello".utf8)
        let out = try run(datapath, query, on: Fixture.clientSide)
        #expect(out.verdict == Verdict.redirect)
        #expect(out.packet == atEndpoint(query).bytes)

        var answer = Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
            dst: Fixture.client, proto: 17, sport: 8080, dport: 5353)
        answer.payload = Array("world!".utf8)
        let back = try run(datapath, answer, on: Fixture.serverSide)
        var expectedBack = answer
        (expectedBack.src, expectedBack.sport, expectedBack.ttl) = (Fixture.vip, 80, 63)
        (expectedBack.srcMAC, expectedBack.dstMAC) = (Fixture.clientSideMAC, Fixture.clientMAC)
        #expect(back.verdict == Verdict.redirect)
        #expect(back.packet == expectedBack.bytes)
        #expect(Checksum.valid(back.packet))
        let flows = try await datapath.connections()
        #expect(flows.count == 1)
        #expect(flows.first?.state == "est")
        #expect(flows.first?.counters.packets == 2)
    }

    @Test func udpWithoutChecksumKeepsAZeroChecksum() async throws {
        let datapath = try await Fixture.datapath(proto: .udp)
        var bytes = Fixture.toVIP(proto: 17, sport: 5353, dport: 80).bytes
        (bytes[40], bytes[41]) = (0, 0)  // UDP checksum "none" (RFC 768)
        let result = try TestRun.run(try datapath.programs().ingress, packet: bytes, ifindex: Fixture.clientSide)
        #expect(result.verdict == Verdict.redirect)
        #expect(result.packet[40] == 0 && result.packet[41] == 0)
        #expect(Array(result.packet[30..<34]) == [10, 10, 2, 10])
        #expect(Checksum.valid(result.packet))
    }

    @Test func trafficNotForAVIPPassesUntouched() async throws {
        let datapath = try await Fixture.datapath()
        var other = Fixture.toVIP()
        other.dst = (10, 10, 2, 10)
        let result = try run(datapath, other, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == other.bytes)
        #expect(try await datapath.connections().isEmpty)
        #expect(try datapath.globalCounters()[Int(SLB_CNT_PASS_NO_MATCH.rawValue)] == 1)
    }

    @Test func vipOnAnUnknownPortPassesUntouched() async throws {
        let datapath = try await Fixture.datapath()
        let packet = Fixture.toVIP(dport: 81)
        let result = try run(datapath, packet, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == packet.bytes)
        #expect(try await datapath.connections().isEmpty)
    }

    @Test func nonIPv4FramesPassUntouched() async throws {
        let datapath = try await Fixture.datapath()
        // An ARP request.
        let arp: [UInt8] =
            [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] + Fixture.clientMAC + [0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1]
            + Fixture.clientMAC + [10, 10, 1, 2] + [0, 0, 0, 0, 0, 0] + [10, 10, 100, 1]
        let result = try TestRun.run(try datapath.programs().ingress, packet: arp, ifindex: Fixture.clientSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == arp)
        #expect(try datapath.globalCounters()[Int(SLB_CNT_PASS_NOT_IP.rawValue)] == 1)
    }

    @Test func roundRobinSpreadsNewFlowsEvenly() async throws {
        let datapath = try await Fixture.datapath()
        var chosen: [UInt8: Int] = [:]
        for sport in UInt16(41000)..<41030 {
            let result = try run(datapath, Fixture.toVIP(sport: sport), on: Fixture.clientSide)
            #expect(result.verdict == Verdict.redirect)
            chosen[result.packet[33], default: 0] += 1
        }
        #expect(chosen == [10: 10, 11: 10, 12: 10])
    }

    @Test func hashSelectionIsStablePerTupleAndSpreads() async throws {
        let datapath = try await Fixture.datapath(selection: .hash)
        var chosen: [UInt16: UInt8] = [:]
        for sport in UInt16(42000)..<42060 {
            chosen[sport] = try run(datapath, Fixture.toVIP(sport: sport), on: Fixture.clientSide).packet[33]
        }
        #expect(Set(chosen.values).count == 3)
        // A second datapath with the same endpoints picks the same endpoint for the same tuple.
        let other = try await Fixture.datapath(selection: .hash)
        for sport in UInt16(42000)..<42010 {
            #expect(try run(other, Fixture.toVIP(sport: sport), on: Fixture.clientSide).packet[33] == chosen[sport])
        }
    }

    @Test func establishedFlowKeepsItsEndpoint() async throws {
        let datapath = try await Fixture.datapath()
        let first = try run(datapath, Fixture.toVIP(sport: 43000), on: Fixture.clientSide).packet[33]
        // Other flows move the round-robin cursor on.
        for sport in UInt16(43001)..<43005 {
            _ = try run(datapath, Fixture.toVIP(sport: sport), on: Fixture.clientSide)
        }
        for _ in 0..<3 {
            let data = Fixture.toVIP(sport: 43000, flags: TCPFlags.ack | TCPFlags.psh)
            #expect(try run(datapath, data, on: Fixture.clientSide).packet[33] == first)
        }
    }

    @Test func endpointChangeKeepsExistingFlowsOnTheirEndpoint() async throws {
        let datapath = try await Fixture.datapath()
        let first = try run(datapath, Fixture.toVIP(sport: 44000), on: Fixture.clientSide).packet[33]
        #expect(first == 10)
        let replaced = DatapathService(
            id: 7, key: ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp), selection: .roundRobin, mode: .dnat,
            endpoints: [DatapathEndpoint(address: .v4(0x0a0a_020c), port: 8080, weight: 1)])
        try await datapath.upsert(replaced)
        let again = try run(datapath, Fixture.toVIP(sport: 44000, flags: TCPFlags.ack), on: Fixture.clientSide)
        #expect(again.packet[33] == 10)
        let fresh = try run(datapath, Fixture.toVIP(sport: 44001), on: Fixture.clientSide)
        #expect(fresh.packet[33] == 12)
    }

    @Test func deletedServiceNoLongerTranslates() async throws {
        let datapath = try await Fixture.datapath()
        _ = try run(datapath, Fixture.toVIP(sport: 45000), on: Fixture.clientSide)
        try await datapath.remove(key: ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp), id: 7)
        #expect(try await datapath.connections().isEmpty)
        let packet = Fixture.toVIP(sport: 45000, flags: TCPFlags.ack)
        let result = try run(datapath, packet, on: Fixture.clientSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == packet.bytes)
    }

    @Test func serviceWithoutEndpointsDropsAndCounts() async throws {
        let datapath = try await Fixture.datapath(endpoints: [])
        let result = try run(datapath, Fixture.toVIP(), on: Fixture.clientSide)
        #expect(result.verdict == Verdict.shot)
        #expect(try datapath.globalCounters()[Int(SLB_CNT_DROP_NO_ENDPOINT.rawValue)] == 1)
    }

    @Test func truncatedTCPHeaderToAVIPIsDropped() async throws {
        let datapath = try await Fixture.datapath()
        var bytes = Array(Fixture.toVIP().bytes.prefix(14 + 20 + 10))
        bytes[17] = 30  // IP total length claims 20 + 10 bytes
        let result = try TestRun.run(try datapath.programs().ingress, packet: bytes, ifindex: Fixture.clientSide)
        #expect(result.verdict == Verdict.shot)
        #expect(try datapath.globalCounters()[Int(SLB_CNT_DROP_MALFORMED.rawValue)] == 1)
    }

    @Test func fragmentsPassToTheStack() async throws {
        let datapath = try await Fixture.datapath()
        var bytes = Fixture.toVIP().bytes
        bytes[20] = 0x20  // more fragments
        let result = try TestRun.run(try datapath.programs().ingress, packet: bytes, ifindex: Fixture.clientSide)
        #expect(result.verdict == Verdict.ok)
        #expect(result.packet == bytes)
        #expect(try datapath.globalCounters()[Int(SLB_CNT_PASS_FRAGMENT.rawValue)] == 1)
    }

    @Test func countersAttributeServiceAndEndpointTraffic() async throws {
        let datapath = try await Fixture.datapath()
        let syn = Fixture.toVIP(sport: 46000)
        _ = try run(datapath, syn, on: Fixture.clientSide)
        _ = try run(datapath, Fixture.toVIP(sport: 46000, flags: TCPFlags.ack), on: Fixture.clientSide)
        let service = try await datapath.serviceCounters(id: 7)
        #expect(service.packets == 2)
        #expect(service.bytes == UInt64(syn.bytes.count * 2))
        let endpoints = try await datapath.endpointCounters(id: 7, count: 3)
        #expect(endpoints.map(\.packets) == [2, 0, 0])
    }
}
