import BPFLoader
import Foundation
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Rule mirrors on IPv6 flows (pipeline6.h: V6/NEW6 -> MIRROR): NAT66 and NAT64 flows of a mirrored rule are
/// copied in both directions, new and established, as they arrived (the client's IPv6 packet before NAT64, the
/// endpoint's IPv4 reply before NAT46), byte for byte; the originals leave exactly as built independently here.
/// SPAN, RSPAN and ERSPAN (IPv4 collector) copies, and a rule that is mirrored and policed at once.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct Mirror6FixtureTests {
    /// The IPv6 service (NAT66 or NAT64) and a mirror store whose rule "web6" selects it.
    static func setUp(nat64: Bool, proto: L4Protocol = .tcp) async throws -> (IPv6RuleFixture, MirrorStore) {
        try MirrorFixtureTests.makeMirrorPort()
        let fixture = try await IPv6RuleFixture(nat64: nat64, proto: proto)
        let store = MirrorStore(persistence: InMemoryMirrorConfigStore(), datapath: fixture.datapath) { name in
            name == "web6" ? [IPv6RuleFixture.serviceID] : []
        }
        return (fixture, store)
    }

    static let synAck = TCPFlags.syn | TCPFlags.ack

    @Test(arguments: [false, true])
    func aRuleMirrorCopiesBothDirectionsOfIPv6FlowsUntranslated(nat64: Bool) async throws {
        let (fixture, store) = try await Self.setUp(nat64: nat64)
        try await store.add(MirrorFixtureTests.mirror(attachment: 2, target: "web6"))
        let capture = try #require(FrameCapture(interface: MirrorFixtureTests.capturePort), "cannot capture")
        // The first packet (NEW6 -> MIRROR): copied as the client sent it, translated as without a mirror.
        let syn = IPv6RuleFixture.request(proto: 6, size: 80, flags: TCPFlags.syn)
        let first = try fixture.run(syn.bytes)
        #expect(first.verdict == Verdict.redirect && first.mark == 0)
        let port = fixture.sourcePort(first.packet)
        #expect(first.packet == fixture.out(syn, tc: 0, port: port, id: 1))
        #expect(capture.next { $0 == syn.bytes } != nil, "no copy of the SYN")
        // The endpoint's reply (IPv4 for NAT64: the IPv4 entry copies it before NAT46 translates it).
        let reply = fixture.reply(proto: 6, port: port, size: 80, flags: Self.synAck)
        let back = try fixture.run(reply, on: Fixture.serverSide)
        #expect(back.verdict == Verdict.redirect && back.mark == 0)
        #expect(back.packet == fixture.back(proto: 6, clientPort: 40000, size: 80, tc: 0, flags: Self.synAck))
        #expect(capture.next { $0 == reply } != nil, "no copy of the reply")
        // An established packet (V6 -> MIRROR).
        let ack = IPv6RuleFixture.request(proto: 6, size: 80, flags: TCPFlags.ack)
        let second = try fixture.run(ack.bytes)
        #expect(second.verdict == Verdict.redirect && second.packet == fixture.out(ack, tc: 0, port: port, id: 2))
        #expect(capture.next { $0 == ack.bytes } != nil, "no copy of the ACK")
        #expect(try await fixture.datapath.connections().first?.state == "est")
        // Traffic of no mirrored rule is not copied.
        let other = Fixture.toVIP6(sport: 40002, dport: 81).bytes
        #expect(try fixture.run(other).verdict == Verdict.ok)
        #expect(capture.next(milliseconds: 200) { $0 == other } == nil)
        let counters = try await fixture.datapath.packetCounters()
        #expect(counters["mirror_rule_copies"] == 3 && counters["mirror_failures"] == 0)
        let entry = try #require(await store.entries().first)
        #expect(entry.counter == "3:\(syn.bytes.count + reply.count + ack.bytes.count)")
        // Deleted: no more copies, the original unchanged.
        try await store.delete("m")
        let after = try fixture.run(ack.bytes)
        #expect(after.packet == fixture.out(ack, tc: 0, port: port, id: 3))
        #expect(capture.next(milliseconds: 200) { $0 == ack.bytes } == nil)
    }

    @Test(arguments: [false, true])
    func anERSPANCopyOfAnIPv6RulePacketGoesToTheIPv4Collector(nat64: Bool) async throws {
        let (fixture, store) = try await Self.setUp(nat64: nat64)
        try await store.add(
            MirrorEntry(
                mirrorIdent: "e",
                mirrorInfo: MirrorInfo(type: 2, remoteIP: "10.10.2.10", sourceIP: "10.10.2.1", tunnelID: 9),
                targetObject: MirrorTargetObject(attachment: 2, mirrObjName: "web6")))
        let capture = try #require(FrameCapture(interface: "fx1p"), "cannot capture on fx1p")
        let syn = IPv6RuleFixture.request(proto: 6, size: 80, flags: TCPFlags.syn)
        let result = try fixture.run(syn.bytes)
        #expect(result.verdict == Verdict.redirect && result.mark == 0)
        #expect(result.packet == fixture.out(syn, tc: 0, port: fixture.sourcePort(result.packet), id: 1))
        let copy = try #require(
            capture.next { $0.count == syn.bytes.count + 50 && $0[23] == 47 }, "no ERSPAN copy of the SYN")
        let total = syn.bytes.count + 36
        let outerIP: [UInt8] =
            [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0, 0, 0, 0, 64, 47]
            + Array(copy[24..<26]) + [10, 10, 2, 1, 10, 10, 2, 10]
        let expected: [UInt8] =
            Fixture.endpointMAC(10) + Fixture.serverSideMAC + [0x08, 0x00] + outerIP
            + [0x10, 0x00, 0x88, 0xbe, 0, 0, 0, 0]  // GRE with a sequence number, ERSPAN, sequence 0
            + [0x10, 0x00, 0x00, 0x09, 0, 0, 0, 0]  // ERSPAN II: version 1, VLAN 0, session 9, index 0
            + syn.bytes
        #expect(copy == expected)
        #expect(Checksum.fold(Checksum.sum(Array(copy[14..<34]))) == 0, "outer IPv4 checksum")
    }

    @Test func anRSPANCopyOfAnIPv6RulePacketCarriesItsVLANTag() async throws {
        let (fixture, store) = try await Self.setUp(nat64: false)
        try await store.add(
            MirrorEntry(
                mirrorIdent: "r", mirrorInfo: MirrorInfo(type: 1, port: MirrorFixtureTests.mirrorPort, vlan: 301),
                targetObject: MirrorTargetObject(attachment: 2, mirrObjName: "web6")))
        let capture = try #require(TaggedFrameCapture(interface: MirrorFixtureTests.capturePort), "cannot capture")
        let syn = IPv6RuleFixture.request(proto: 6, size: 80, flags: TCPFlags.syn)
        let result = try fixture.run(syn.bytes)
        #expect(result.verdict == Verdict.redirect && result.packet == fixture.out(syn, tc: 0, port: 40000, id: 0))
        let copy = try #require(capture.next { $0 == syn.bytes }, "no copy of the SYN")
        #expect(copy.tci == 301)
    }

    /// A rule with a mirror and a policy: every packet is copied (the copy is taken first), then policed; a red
    /// first packet leaves no flow.
    @Test func aMirroredAndPolicedIPv6RuleCopiesThenPolices() async throws {
        let (fixture, mirrors) = try await Self.setUp(nat64: false, proto: .udp)
        let handoff = PolicyHandoff()
        try await handoff.attach(fixture.datapath)
        let policies = PolicyStore(
            persistence: InMemoryPolicyConfigStore(), datapath: handoff,
            rules: { ["web6": [IPv6RuleFixture.serviceID]] })
        try PolicerFixtureTests.setClock(fixture.datapath, 1_000_000_000)
        try await policies.add(PolicerFixtureTests.policy(cir: 8, pir: 8, cbs: 1514, ebs: 1514, target: "web6"))
        try await mirrors.add(MirrorFixtureTests.mirror(attachment: 2, target: "web6"))
        let capture = try #require(FrameCapture(interface: MirrorFixtureTests.capturePort), "cannot capture")
        let passed = IPv6RuleFixture.request(sport: 41000)
        let result = try fixture.run(passed.bytes)
        #expect(result.verdict == Verdict.redirect && result.packet == fixture.out(passed, tc: 0, port: 41000, id: 0))
        #expect(capture.next { $0 == passed.bytes } != nil, "no copy of the passed packet")
        let red = IPv6RuleFixture.request(sport: 41001)
        #expect(try fixture.run(red.bytes).verdict == Verdict.shot)
        #expect(capture.next { $0 == red.bytes } != nil, "no copy of the red packet")
        #expect(fixture.datapath.conntrack.entries().count == 2)
        #expect(try fixture.datapath.recountOpenFlows() == 0)
        let stats = try #require(await policies.entries().first?.policyStats)
        #expect(stats.greenPackets == 1 && stats.redPackets == 1)
    }
}
