import BPFLoader
import Logging
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import SwiftLBHA
import Testing

@testable import SwiftLBDatapath

/// Conntrack sync between two separately loaded datapaths: a full NAT flow opened through A,
/// streamed by A's ConntrackSync over loopback TCP into B's table, is forwarded by B (the new
/// MASTER after a failover) with the same rewrite in both directions and no new port.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct ConntrackSyncFixtureTests {
    static let key = ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp)

    /// A half-open flow's 30 s would be too short: on a busy machine a test can wait that long
    /// between its SYN and its next packet (seen in CI: 33 s), and the flow would expire.
    static let timeouts = {
        var timeouts = ConntrackTimeouts()
        timeouts.tcpSyn = 3600
        return timeouts
    }()

    func datapath(id: UInt32, selection: SelectionAlgorithm = .roundRobin) async throws -> EBPFDatapath {
        let datapath = try EBPFDatapath(pinRoot: nil, timeouts: Self.timeouts, conntrackEntries: 1024)
        try await datapath.upsert(
            DatapathService(
                id: id, key: Self.key, selection: selection, mode: .fullNAT,
                endpoints: [10, 11, 12].map { DatapathEndpoint(address: .v4(0x0a0a_0200 | $0), port: 8080, weight: 1) })
        )
        return datapath
    }

    func eventually(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline && !condition() { try? await Task.sleep(for: .milliseconds(2)) }
        return condition()
    }

    func counter(_ datapath: EBPFDatapath, _ counter: slb_counter) throws -> UInt64 {
        try datapath.globalCounters()[Int(counter.rawValue)]
    }

    /// Sync links of A (MASTER, dialling) and B (BACKUP, listening) with `settings`, both
    /// started; A reports new flows from its ring when `events` is set. Stop both when done.
    func linkedPair(
        _ a: EBPFDatapath, _ b: EBPFDatapath, settings: ConntrackSync.Settings, events: Bool = false
    ) throws -> (ConntrackSync, ConntrackSync) {
        let syncB = try ConntrackSync(
            settings: settings, table: b.conntrack, directory: b, persistence: b,
            logger: Logger(label: "fixture.sync.b"))
        var dialling = settings
        dialling.peers = [.init(address: .v4(0x7f00_0001), port: syncB.listenPort)]
        let syncA = try ConntrackSync(
            settings: dialling, table: a.conntrack, directory: a, persistence: a,
            events: events ? try a.conntrackEvents() : nil, logger: Logger(label: "fixture.sync.a"))
        syncA.announce([HAAnnouncement(instance: "llb-inst0", role: .master, priority: 100, epoch: 1)])
        syncB.announce([HAAnnouncement(instance: "llb-inst0", role: .backup, priority: 50, epoch: 0)])
        syncB.start()
        syncA.start()
        return (syncA, syncB)
    }

    /// Failover: A dies and B becomes MASTER. Once B has seen A's link close it has applied all A
    /// sent: no sync write to B's table runs beside the packets B then forwards.
    func failOver(_ syncA: ConntrackSync, to syncB: ConntrackSync) async {
        syncA.stop()
        #expect(await eventually { syncB.statistics().peersConnected == 0 })
        syncB.announce([HAAnnouncement(instance: "llb-inst0", role: .master, priority: 50, epoch: 2)])
    }

    @Test func aSyncedFullNATFlowIsForwardedByThePeerWithTheSameRewriteInBothDirections() async throws {
        // The service has id 7 on A and 3 on B: ids are local, flows travel with the service's key.
        let a = try await datapath(id: 7)
        let b = try await datapath(id: 3)
        let (syncA, syncB) = try linkedPair(
            a, b, settings: .init(listenAddress: .v4(0x7f00_0001), listenPort: 0, scanInterval: .milliseconds(10)))
        defer {
            syncA.stop()
            syncB.stop()
        }

        // The client's SYN through A: A allocates the source port.
        let syn = Fixture.toVIP(sport: 40000)
        let outA = try TestRun.run(try a.programs().ingress, packet: syn.bytes, ifindex: Fixture.clientSide)
        #expect(outA.verdict == Verdict.redirect)
        let port = UInt16(outA.packet[34]) << 8 | UInt16(outA.packet[35])
        let endpoint = Array(outA.packet[30..<34])
        #expect(a.conntrack.liveCount == 2)
        #expect(await eventually { b.conntrack.liveCount == 2 })
        #expect(Set(b.conntrack.entries().map(\.value.svc_id)) == [3])

        // Failover: B gets the client's next packet and the endpoint's reply.
        await failOver(syncA, to: syncB)
        let before = try b.globalCounters()
        let created = before[Int(SLB_CNT_CT_NEW.rawValue)]
        let ack = Fixture.toVIP(sport: 40000, flags: TCPFlags.ack)
        let outB = try TestRun.run(try b.programs().ingress, packet: ack.bytes, ifindex: Fixture.clientSide)
        var expected = ack
        (expected.src, expected.sport) = (Fixture.vip, port)
        (expected.dst, expected.dport, expected.ttl) = (
            (endpoint[0], endpoint[1], endpoint[2], endpoint[3]), 8080, 63
        )
        (expected.srcMAC, expected.dstMAC) = (Fixture.serverSideMAC, Fixture.endpointMAC(endpoint[3]))
        #expect(outB.verdict == Verdict.redirect)
        #expect(outB.packet == expected.bytes)
        #expect(Checksum.valid(outB.packet))

        let reply = Packet(
            srcMAC: Fixture.endpointMAC(endpoint[3]), dstMAC: Fixture.serverSideMAC,
            src: (endpoint[0], endpoint[1], endpoint[2], endpoint[3]), dst: Fixture.vip, sport: 8080, dport: port,
            tcpFlags: TCPFlags.ack)
        let back = try TestRun.run(try b.programs().ingress, packet: reply.bytes, ifindex: Fixture.serverSide)
        var expectedBack = reply
        (expectedBack.src, expectedBack.sport, expectedBack.ttl) = (Fixture.vip, 80, 63)
        (expectedBack.dst, expectedBack.dport) = (Fixture.client, 40000)
        (expectedBack.srcMAC, expectedBack.dstMAC) = (Fixture.clientSideMAC, Fixture.clientMAC)
        #expect(back.verdict == Verdict.redirect)
        #expect(back.packet == expectedBack.bytes)
        #expect(Checksum.valid(back.packet))

        // No new flow and no new port on B: the synced entries carried both. On failure, say which
        // counters moved (an expired or reopened entry, a lost lookup).
        let after = try b.globalCounters()
        let (old, new) = (PacketCounterNames.named(before), PacketCounterNames.named(after))
        #expect(
            after[Int(SLB_CNT_CT_NEW.rawValue)] == created,
            "B's counters that moved: \(new.filter { old[$0.key] != $0.value }.sorted { $0.key < $1.key })")
        #expect(b.conntrack.liveCount == 2)
    }

    @Test func aNewFlowReachesThePeerAsTheDatapathWritesItWithoutAPass() async throws {
        let a = try await datapath(id: 7)
        let b = try await datapath(id: 3)
        // Passes an hour apart: after the first, only the datapath's events can carry a new flow. A
        // long dead interval keeps a loaded machine from dropping the link (a new connection would
        // bring a snapshot and a pass).
        let slow = ConntrackSync.Settings(
            listenAddress: .v4(0x7f00_0001), listenPort: 0, scanInterval: .seconds(3600),
            keepaliveInterval: .seconds(1), deadInterval: .seconds(120))
        let (syncA, syncB) = try linkedPair(a, b, settings: slow, events: true)
        defer {
            syncA.stop()
            syncB.stop()
        }
        #expect(await eventually { syncA.statistics().snapshotsSent == 1 && syncB.statistics().snapshotsReceived == 1 })
        let scans = syncA.statistics().scans

        for sport: UInt16 in [40200, 40201, 40202] {
            let out = try TestRun.run(
                try a.programs().ingress, packet: Fixture.toVIP(sport: sport).bytes, ifindex: Fixture.clientSide)
            #expect(out.verdict == Verdict.redirect)
        }
        #expect(await eventually { b.conntrack.liveCount == 6 })
        let statistics = syncA.statistics()
        #expect(statistics.eventFlows == 6)
        #expect(statistics.scans == scans)
        #expect(statistics.snapshotsSent == 1)
        let sent = Set(a.conntrack.entries().map { UInt16(bigEndian: $0.key.sport) })
        #expect(Set(b.conntrack.entries().map { UInt16(bigEndian: $0.key.sport) }) == sent)
    }

    @Test func aPersistServicesClientIsSyncedUnderThePeersServiceID() async throws {
        let a = try await datapath(id: 7, selection: .persist)
        let b = try await datapath(id: 3, selection: .persist)
        var fast = ConntrackSync.Settings(
            listenAddress: .v4(0x7f00_0001), listenPort: 0, scanInterval: .milliseconds(10))
        fast.persistenceInterval = .milliseconds(20)
        let (syncA, syncB) = try linkedPair(a, b, settings: fast)
        defer {
            syncA.stop()
            syncB.stop()
        }
        #expect(await eventually { syncA.peerAnnouncements().count == 1 })

        // A client's first flow makes A remember it (after the snapshot: a change, not a snapshot entry).
        let out = try TestRun.run(
            try a.programs().ingress, packet: Fixture.toVIP(sport: 40100).bytes, ifindex: Fixture.clientSide)
        #expect(out.verdict == Verdict.redirect)
        let remembered = try #require(try a.persistenceEntries().first)
        #expect(remembered.key.svc_id == 7)
        #expect(await eventually { (try? b.persistenceEntries().count) == 1 })
        let synced = try #require(try b.persistenceEntries().first)
        #expect(synced.key.svc_id == 3)
        #expect(synced.key.addr.0 == remembered.key.addr.0)
        #expect(synced.value.slot == remembered.value.slot)
        #expect(await eventually { b.conntrack.liveCount == 2 })
    }

    /// A (firewall `rule`) and B linked by conntrack sync; `body` gets both and their links.
    func withFirewallPeers(
        _ rule: FirewallEntry,
        _ body: (EBPFDatapath, EBPFDatapath, (a: ConntrackSync, b: ConntrackSync)) async throws -> Void
    ) async throws {
        let a = try await datapath(id: 7)
        let b = try await datapath(id: 3)
        try a.clearFirewall()
        try await FirewallStore(persistence: InMemoryFirewallConfigStore(), datapath: a).add(rule)
        let (syncA, syncB) = try linkedPair(
            a, b, settings: .init(listenAddress: .v4(0x7f00_0001), listenPort: 0, scanInterval: .milliseconds(10)))
        defer {
            syncA.stop()
            syncB.stop()
        }
        try await body(a, b, (syncA, syncB))
    }

    /// Waits for A's SNAT flow on B, fails over to B and runs `frames` (bytes, ifindex) through it.
    /// B has no firewall rule and creates no entry: only the synced ones can translate them.
    func onNewMaster(
        _ b: EBPFDatapath, _ links: (a: ConntrackSync, b: ConntrackSync), _ frames: [([UInt8], Int32)]
    ) async throws -> [TestRun.Result] {
        #expect(await eventually { b.conntrack.liveCount == 2 })
        #expect(Set(b.conntrack.entries().map(\.value.svc_id)) == [UInt32(SLB_SVC_ID_FW_SNAT)])
        await failOver(links.a, to: links.b)
        let created = try counter(b, SLB_CNT_CT_NEW)
        let results = try frames.map { try TestRun.run(try b.programs().ingress, packet: $0.0, ifindex: $0.1) }
        #expect(try counter(b, SLB_CNT_CT_NEW) == created)
        return results
    }

    @Test func aFirewallSNATFlowIsSyncedAndThePeerTranslatesBothDirectionsWithoutTheRule() async throws {
        try await withFirewallPeers(FirewallSNATFixtureTests.snatRule()) { a, b, links in
            let syn = FirewallSNATFixtureTests.toServer(sport: 40300)
            let outA = try TestRun.run(try a.programs().ingress, packet: syn.bytes, ifindex: Fixture.clientSide)
            #expect(outA.verdict == Verdict.redirect)
            #expect(Array(outA.packet[26..<30]) == [10, 10, 50, 1], "A translated the source")
            let port = FirewallSNATFixtureTests.sourcePort(outA.packet)
            var ack = syn
            ack.tcpFlags = TCPFlags.ack
            let reply = Packet(
                srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
                dst: FirewallSNATFixtureTests.snatAddress, sport: 8080, dport: port, tcpFlags: TCPFlags.ack)
            let out = try await onNewMaster(
                b, links, [(ack.bytes, Fixture.clientSide), (reply.bytes, Fixture.serverSide)])
            var expected = ack
            (expected.src, expected.sport, expected.ttl) = (FirewallSNATFixtureTests.snatAddress, port, 63)
            (expected.srcMAC, expected.dstMAC) = (Fixture.serverSideMAC, Fixture.endpointMAC(10))
            var expectedBack = reply
            (expectedBack.dst, expectedBack.dport, expectedBack.ttl) = (Fixture.client, 40300, 63)
            (expectedBack.srcMAC, expectedBack.dstMAC) = (Fixture.clientSideMAC, Fixture.clientMAC)
            let (verdicts, frames) = (out.map(\.verdict), out.map(\.packet))
            #expect(verdicts == [Verdict.redirect, Verdict.redirect])
            #expect(frames == [expected.bytes, expectedBack.bytes])
            #expect(out.allSatisfy { Checksum.valid($0.packet) })
        }
    }

    @Test func anIPv6FirewallSNATFlowIsSyncedAndThePeerTranslatesIt() async throws {
        try await withFirewallPeers(FirewallSNAT6FixtureTests.snatRule()) { a, b, links in
            let syn = FirewallSNAT6FixtureTests.toServer(sport: 40400)
            let outA = try TestRun.run(try a.programs().ingress, packet: syn.bytes, ifindex: Fixture.clientSide)
            #expect(outA.verdict == Verdict.redirect)
            let port = FirewallSNAT6FixtureTests.sourcePort(outA.packet)
            #expect(outA.packet == FirewallSNAT6FixtureTests.translated(syn, port: port).bytes)
            var ack = syn
            ack.tcpFlags = TCPFlags.ack
            let reply = Packet6(
                srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint6(10),
                dst: FirewallSNAT6FixtureTests.snatAddress, sport: 8080, dport: port, tcpFlags: TCPFlags.ack)
            let out = try await onNewMaster(
                b, links, [(ack.bytes, Fixture.clientSide), (reply.bytes, Fixture.serverSide)])
            var expectedBack = reply
            (expectedBack.dst, expectedBack.dport, expectedBack.hopLimit) = (Fixture.client6, 40400, 63)
            (expectedBack.srcMAC, expectedBack.dstMAC) = (Fixture.clientSideMAC, Fixture.clientMAC)
            let (verdicts, frames) = (out.map(\.verdict), out.map(\.packet))
            #expect(verdicts == [Verdict.redirect, Verdict.redirect])
            #expect(frames == [FirewallSNAT6FixtureTests.translated(ack, port: port).bytes, expectedBack.bytes])
            #expect(out.allSatisfy { Checksum6.valid($0.packet) })
        }
    }
}
