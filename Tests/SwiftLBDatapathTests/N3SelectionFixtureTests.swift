import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Selection n3 (loxilb's sel 6): GTP-U over UDP goes to an endpoint chosen by the tunnel's TEID,
/// so every packet of one tunnel reaches the same endpoint whatever source port or gNB address it
/// comes from; other UDP is hashed by its tuple.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct N3SelectionFixtureTests {
    /// A G-PDU (TS 29.281): flags 0x30 (version 1, protocol type GTP), type 255, length, TEID,
    /// then an inner packet's first bytes.
    static func gpdu(teid: UInt32) -> [UInt8] {
        let inner: [UInt8] = [0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 60, 0, 1, 10, 70, 0, 1]
        let length = UInt16(inner.count)
        return [0x30, 0xff, UInt8(length >> 8), UInt8(length & 0xff)]
            + [UInt8(teid >> 24), UInt8(teid >> 16 & 0xff), UInt8(teid >> 8 & 0xff), UInt8(teid & 0xff)] + inner
    }

    func endpoint(_ datapath: EBPFDatapath, teid: UInt32?, sport: UInt16, client: UInt8 = 2) throws -> UInt8? {
        var packet = Fixture.toVIP(proto: 17, sport: sport, flags: 0)
        packet.src.3 = client
        packet.payload = teid.map(Self.gpdu) ?? [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]
        let result = try TestRun.run(try datapath.programs().ingress, packet: packet.bytes, ifindex: Fixture.clientSide)
        return result.verdict == Verdict.redirect && result.packet.count > 33 ? result.packet[33] : nil
    }

    @Test func everyPacketOfATunnelGoesToOneEndpointAndTunnelsSpread() async throws {
        let datapath = try await Fixture.datapath(proto: .udp, selection: .n3)
        #expect(try datapath.selectionTable(serviceID: 7)?.count == Int(SLB_SEL_TABLE_SIZE))
        var byTunnel: [UInt32: UInt8] = [:]
        for teid in UInt32(1)...40 {
            // Three flows of the tunnel: other source ports, and another gNB address.
            let picks = try [
                endpoint(datapath, teid: teid, sport: 43000 + UInt16(teid)),
                endpoint(datapath, teid: teid, sport: 44000 + UInt16(teid)),
                endpoint(datapath, teid: teid, sport: 45000 + UInt16(teid), client: 3),
            ]
            #expect(picks.allSatisfy { $0 != nil && $0 == picks[0] }, "TEID \(teid): \(picks)")
            byTunnel[teid] = picks[0]
        }
        let used = Set(byTunnel.values)
        #expect(used.count == 3, "40 tunnels used endpoints \(used)")
        #expect(used.isSubset(of: [10, 11, 12]))
        // Not GTP-U: still balanced, by the tuple.
        #expect(try endpoint(datapath, teid: nil, sport: 46000) != nil)
    }

    @Test func ipv6TunnelsStickToOneEndpointToo() async throws {
        let datapath = try await Fixture.datapath6(proto: .udp, selection: .n3)
        for teid in UInt32(100)...110 {
            var picks: [UInt8?] = []
            for sport in [47000, 48000] as [UInt16] {
                var packet = Fixture.toVIP6(proto: 17, sport: sport + UInt16(teid), flags: 0)
                packet.payload = Self.gpdu(teid: teid)
                let result = try TestRun.run(
                    try datapath.programs().ingress, packet: packet.bytes, ifindex: Fixture.clientSide)
                #expect(result.verdict == Verdict.redirect)
                // The destination address's last byte (fd00:10:2::a, b or c) names the endpoint.
                picks.append(result.packet.count > 53 ? result.packet[53] : nil)
            }
            #expect(picks[0] != nil && picks[0] == picks[1], "TEID \(teid): \(picks)")
        }
    }
}
