import BPFLoader
import Foundation
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Mirroring (bpf/lib/mirror.h) through the real programs: the copy, captured on the peer of the
/// mirror port, is the packet as it arrived, byte for byte; the original's verdict, bytes and
/// mark are what they are without the mirror; port and rule attachments, both directions of a
/// rule's flow, established flows, and no copies once the mirror is gone.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct MirrorFixtureTests {
    /// The mirror port (copies leave by it) and its peer (where the test captures them).
    static let mirrorPort = "slbmirm0"
    static let capturePort = "slbmirm1"

    /// The fixture's service 7 (VIP:80 -> .10/.11/.12) and a mirror store over the same maps;
    /// the rule name "web" selects service 7.
    static func setUp() async throws -> (EBPFDatapath, MirrorStore) {
        try makeMirrorPort()
        let datapath = try await Fixture.datapath()
        let store = MirrorStore(persistence: InMemoryMirrorConfigStore(), datapath: datapath) { name in
            name == "web" ? [7] : []
        }
        return (datapath, store)
    }

    /// A veth pair inside the fixture namespace, made once.
    static func makeMirrorPort() throws {
        guard NetworkInterface.index(of: mirrorPort) == nil else { return }
        for arguments in [
            ["link", "add", mirrorPort, "type", "veth", "peer", "name", capturePort],
            ["link", "set", mirrorPort, "up"], ["link", "set", capturePort, "up"],
        ] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            process.arguments = arguments
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "ip \(arguments.joined(separator: " ")) failed")
        }
    }

    static func mirror(_ ident: String = "m", attachment: Int, target: String) -> MirrorEntry {
        MirrorEntry(
            mirrorIdent: ident, mirrorInfo: MirrorInfo(type: 0, port: mirrorPort),
            targetObject: MirrorTargetObject(attachment: attachment, mirrObjName: target))
    }

    func run(_ datapath: EBPFDatapath, _ packet: [UInt8], on ifindex: Int32 = Fixture.clientSide) throws
        -> TestRun.Result
    {
        try TestRun.run(try datapath.programs().ingress, packet: packet, ifindex: ifindex)
    }

    /// The reply of endpoint `translated` (the client's packet after DNAT) to the client.
    static func reply(to translated: [UInt8]) -> [UInt8] {
        let endpoint = (translated[30], translated[31], translated[32], translated[33])
        return Packet(
            srcMAC: Fixture.endpointMAC(translated[33]), dstMAC: Fixture.serverSideMAC, src: endpoint,
            dst: Fixture.client, sport: 8080, dport: 40000, tcpFlags: TCPFlags.syn | TCPFlags.ack
        ).bytes
    }

    @Test func aPortMirrorCopiesEveryIncomingPacketAsItArrivedAndLeavesTheOriginalAlone() async throws {
        let (datapath, store) = try await Self.setUp()
        // Without a mirror: the reference verdict and bytes (then the flow's entry exists).
        let syn = Fixture.toVIP(sport: 40000).bytes
        let reference = try run(datapath, syn)
        #expect(reference.verdict == Verdict.redirect)
        try await store.add(Self.mirror(attachment: 1, target: "fx0"))
        let capture = try #require(FrameCapture(interface: Self.capturePort), "cannot capture on \(Self.capturePort)")
        let mirrored = try run(datapath, syn)
        #expect(mirrored.verdict == reference.verdict && mirrored.packet == reference.packet && mirrored.mark == 0)
        #expect(capture.next { $0 == syn } != nil, "no copy of the SYN on \(Self.capturePort)")
        // A packet of no rule (another port) is copied too: the port is mirrored, not a rule.
        let other = Fixture.toVIP(sport: 40001, dport: 81).bytes
        let passed = try run(datapath, other)
        #expect(passed.verdict == Verdict.ok && passed.packet == other)
        #expect(capture.next { $0 == other } != nil)
        // Packets entering another port are not copied.
        let reply = Self.reply(to: reference.packet)
        #expect(try run(datapath, reply, on: Fixture.serverSide).verdict == Verdict.redirect)
        #expect(capture.next(milliseconds: 200) { $0 == reply } == nil)
        let entry = try #require(await store.entries().first)
        #expect(entry.counter == "2:\(syn.count + other.count)" && entry.failures == 0 && entry.sync == 0)
        let counters = try await datapath.packetCounters()
        #expect(counters["mirror_port_copies"] == 2 && counters["mirror_failures"] == 0)
        // Deleted: no more copies, the original unchanged.
        try await store.delete("m")
        let after = try run(datapath, syn)
        #expect(after.verdict == reference.verdict && after.packet == reference.packet)
        #expect(capture.next(milliseconds: 200) { $0 == syn } == nil)
    }

    @Test func aRuleMirrorCopiesBothDirectionsOfNewAndEstablishedFlows() async throws {
        // The same service without a mirror gives the reference verdicts and bytes.
        let reference = try await Fixture.datapath()
        let (mirrored, store) = try await Self.setUp()
        try await store.add(Self.mirror(attachment: 2, target: "web"))
        let capture = try #require(FrameCapture(interface: Self.capturePort), "cannot capture on \(Self.capturePort)")
        // First packet (NEW4 -> MIRROR), then an established one (entry -> MIRROR), then the reply.
        let syn = Fixture.toVIP(sport: 40000).bytes
        let ack = Fixture.toVIP(sport: 40000, flags: TCPFlags.ack).bytes
        for packet in [syn, ack] {
            let expected = try run(reference, packet)
            let result = try run(mirrored, packet)
            #expect(result.verdict == Verdict.redirect && result.verdict == expected.verdict)
            #expect(result.packet == expected.packet && result.mark == 0)
            #expect(capture.next { $0 == packet } != nil, "no copy of \(packet)")
        }
        let reply = Self.reply(to: try run(reference, syn).packet)
        let expectedReply = try run(reference, reply, on: Fixture.serverSide)
        let replyResult = try run(mirrored, reply, on: Fixture.serverSide)
        #expect(replyResult.verdict == Verdict.redirect && replyResult.packet == expectedReply.packet)
        #expect(capture.next { $0 == reply } != nil, "no copy of the reply")
        // Another service's traffic is not copied.
        let other = Fixture.toVIP(sport: 40002, dport: 81).bytes
        #expect(try run(mirrored, other).verdict == Verdict.ok)
        #expect(capture.next(milliseconds: 200) { $0 == other } == nil)
        let counters = try await mirrored.packetCounters()
        #expect(counters["mirror_rule_copies"] == 3)
        #expect(try #require(await store.entries().first).counter == "3:\(syn.count + ack.count + reply.count)")
        try await store.delete("m")
        #expect(try run(mirrored, ack).packet == expected(reference, ack))
        #expect(capture.next(milliseconds: 200) { $0 == ack } == nil)
    }

    private func expected(_ reference: EBPFDatapath, _ packet: [UInt8]) throws -> [UInt8] {
        try run(reference, packet).packet
    }

    @Test func anRSPANCopyCarriesItsVLANTagAndTheOriginalNone() async throws {
        let reference = try await Fixture.datapath()
        let (datapath, store) = try await Self.setUp()
        try await store.add(
            MirrorEntry(
                mirrorIdent: "r", mirrorInfo: MirrorInfo(type: 1, port: Self.mirrorPort, vlan: 300),
                targetObject: MirrorTargetObject(attachment: 1, mirrObjName: "fx0")))
        let capture = try #require(TaggedFrameCapture(interface: Self.capturePort), "cannot capture")
        let syn = Fixture.toVIP(sport: 40040).bytes
        let expected = try run(reference, syn)
        let result = try run(datapath, syn)
        #expect(result.verdict == expected.verdict && result.packet == expected.packet && result.mark == 0)
        let copy = try #require(capture.next { $0 == syn }, "no copy of the SYN")
        #expect(copy.tci == 300)
        #expect(try #require(await store.entries().first).counter == "1:\(syn.count)")
    }

    @Test func anERSPANCopyIsEncapsulatedToTheCollectorByteForByteAndTheOriginalRestored() async throws {
        let reference = try await Fixture.datapath()
        let (datapath, store) = try await Self.setUp()
        // The collector: 10.10.2.10 behind fx1 (a permanent neighbour of the fixture namespace).
        try await store.add(
            MirrorEntry(
                mirrorIdent: "e",
                mirrorInfo: MirrorInfo(type: 2, remoteIP: "10.10.2.10", sourceIP: "10.10.2.1", tunnelID: 7),
                targetObject: MirrorTargetObject(attachment: 1, mirrObjName: "fx0")))
        let capture = try #require(FrameCapture(interface: "fx1p"), "cannot capture on fx1p")
        for (index, sport) in [UInt16(40050), 40051].enumerated() {
            let syn = Fixture.toVIP(sport: sport).bytes
            let expected = try run(reference, syn)
            let result = try run(datapath, syn)
            #expect(result.verdict == expected.verdict && result.packet == expected.packet && result.mark == 0)
            let copy = try #require(
                capture.next { $0.count == syn.count + 50 && $0[23] == 47 }, "no ERSPAN copy of \(sport)")
            let outerIP: [UInt8] =
                [0x45, 0, UInt8((syn.count + 36) >> 8), UInt8((syn.count + 36) & 0xff), 0, 0, 0, 0, 64, 47]
                + Array(copy[24..<26]) + [10, 10, 2, 1, 10, 10, 2, 10]
            let expectedCopy: [UInt8] =
                Fixture.endpointMAC(10) + Fixture.serverSideMAC + [0x08, 0x00] + outerIP
                + [0x10, 0x00, 0x88, 0xbe, 0, 0, 0, UInt8(index)]  // GRE, S bit, ERSPAN, sequence
                + [0x10, 0x00, 0x00, 0x07, 0, 0, 0, 0]  // ERSPAN II: version 1, VLAN 0, session 7, index 0
                + syn
            #expect(copy == expectedCopy)
            #expect(Checksum.fold(Checksum.sum(Array(copy[14..<34]))) == 0, "outer IPv4 checksum")
        }
        let entry = try #require(await store.entries().first)
        #expect(entry.counter?.hasPrefix("2:") == true && entry.failures == 0)
    }

    @Test func anERSPANCopyWithoutARouteIsAFailureAndTheOriginalUnchanged() async throws {
        let reference = try await Fixture.datapath()
        let (datapath, store) = try await Self.setUp()
        // No neighbour for 10.10.2.99: the FIB lookup cannot give a MAC.
        try await store.add(
            MirrorEntry(
                mirrorIdent: "e",
                mirrorInfo: MirrorInfo(type: 2, remoteIP: "10.10.2.99", sourceIP: "10.10.2.1", tunnelID: 7),
                targetObject: MirrorTargetObject(attachment: 1, mirrObjName: "fx0")))
        let syn = Fixture.toVIP(sport: 40060).bytes
        let expected = try run(reference, syn)
        let result = try run(datapath, syn)
        #expect(result.verdict == expected.verdict && result.packet == expected.packet)
        #expect(try await datapath.packetCounters()["mirror_failures"] == 1)
    }

    @Test func aCopyToAGoneInterfaceIsCountedAsAFailureAndTheOriginalGoesOn() async throws {
        let (datapath, store) = try await Self.setUp()
        // The map names an ifindex no interface has: the kernel refuses the clone.
        try await store.add(Self.mirror(attachment: 1, target: "fx0"))
        try await datapath.applyMirrors(
            MirrorAttachments(ports: [
                UInt32(Fixture.clientSide): MirrorTarget(id: 1, destination: .span(port: "gone"), ifindex: 999_999)
            ]))
        let syn = Fixture.toVIP(sport: 40010).bytes
        #expect(try run(datapath, syn).verdict == Verdict.redirect)
        #expect(try await datapath.packetCounters()["mirror_failures"] == 1)
        #expect(try #require(await store.entries().first).failures == 1)
    }

    @Test func aCopyReachingOurProgramsAgainLeavesUntranslated() async throws {
        let (datapath, store) = try await Self.setUp()
        try await store.add(Self.mirror(attachment: 2, target: "web"))
        let syn = Fixture.toVIP(sport: 40020).bytes
        #expect(try run(datapath, syn).verdict == Verdict.redirect)
        // The copy carries SLB_MIRROR_MARK through the target's egress program: it must pass as it is,
        // although its tuple is the flow's.
        let egress = try TestRun.run(
            try datapath.programs().egress, packet: syn, ifindex: Fixture.clientSide, mark: SLB_MIRROR_MARK)
        #expect(egress.verdict == Verdict.ok && egress.packet == syn)
    }
}
