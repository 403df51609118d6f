import BPFLoader
import Foundation
import PacketTestSupport
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// SCTP multihoming (bpf/lib/sctp_mh.h, sctp_mh6.h) cross-checked with packets scapy builds
/// (Tests/Fixtures/sctp_mh_packets.py), on the services of SCTPMultihomeFixtureTests and
/// SCTPMultihome6FixtureTests: INIT and INIT ACK address parameters rewritten (PAD for the other family),
/// COOKIE ECHO / COOKIE ACK, HEARTBEAT and DATA on the secondary path, a forged tag dropped, full NAT.
/// Whole frames compared byte for byte, the CRC32c as scapy computes it.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct SCTPMultihomeScapyFixtureTests {
    static let script = "sctp_mh_packets.py"

    func datapath(v6: Bool, mode: NATMode) async throws -> EBPFDatapath {
        v6
            ? try await SCTPMultihome6FixtureTests().datapath(mode: mode)
            : try await SCTPMultihomeFixtureTests().datapath(mode: mode)
    }

    @Test(arguments: ["v4_", "v6_"])
    func defaultModeHandshakeAndSecondaryPathMatchScapy(prefix: String) async throws {
        let cases = try ScapyFixture.cases(Self.script)
        let datapath = try await datapath(v6: prefix == "v6_", mode: .dnat)
        // The handshake in order, then the secondary path (client1 -> vip1) once the association is up.
        let steps: [(String, Int32)] = [
            ("init", Fixture.clientSide), ("init_ack", Fixture.serverSide), ("cookie_echo", Fixture.clientSide),
            ("cookie_ack", Fixture.serverSide), ("path1_heartbeat", Fixture.clientSide),
            ("path1_data", Fixture.clientSide), ("path1_forged", Fixture.clientSide),
        ]
        for (name, side) in steps { try ScapyFixture.check(datapath, cases, prefix + name, on: side) }
        let flows = try await datapath.connections()
        #expect(flows.count == 2 && flows.allSatisfy { $0.state == "est" }, "\(flows)")
    }

    @Test(arguments: ["v4_", "v6_"])
    func fullNATInitAndInitAckMatchScapy(prefix: String) async throws {
        let datapath = try await datapath(v6: prefix == "v6_", mode: .fullNAT)
        let first = try ScapyFixture.cases(Self.script)
        let result = try TestRun.run(
            try datapath.programs().ingress, packet: try ScapyFixture.input(first, prefix + "fullnat_init"),
            ifindex: Fixture.clientSide)
        // The allocated source port: the first two bytes of SCTP after Ethernet and the IP header.
        let at = prefix == "v6_" ? 54 : 34
        try #require(result.packet.count > at + 2)
        let port = UInt16(result.packet[at]) << 8 | UInt16(result.packet[at + 1])
        let cases = try ScapyFixture.cases(Self.script, ["port=\(port)"])
        let expected = try #require(cases[prefix + "fullnat_init"]?.out)
        #expect(result.verdict == Verdict.redirect)
        #expect(
            result.packet == ScapyFixture.bytes(expected),
            "datapath \(ScapyFixture.hex(result.packet)) != scapy \(expected)")
        try ScapyFixture.check(datapath, cases, prefix + "fullnat_init_ack", on: Fixture.serverSide)
    }
}
