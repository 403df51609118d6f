import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Endpoint selection (sel 0-4), inactive endpoints, flows staying on their endpoint when the
/// tables change, open-flow counts, idle resets and a full conntrack table, with real packets.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct SelectionFixtureTests {
    static let key = ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp)

    static func endpoint(_ last: UInt8, weight: UInt16 = 1, active: Bool = true) -> DatapathEndpoint {
        DatapathEndpoint(address: .v4(0x0a0a_0200 | UInt32(last)), port: 8080, weight: weight, active: active)
    }

    static func service(
        _ selection: SelectionAlgorithm, _ endpoints: [DatapathEndpoint], inactiveTimeout: UInt32 = 0
    ) -> DatapathService {
        DatapathService(
            id: 7, key: key, selection: selection, mode: .dnat, inactiveTimeout: inactiveTimeout, endpoints: endpoints)
    }

    /// Sends one client packet; returns the verdict and the endpoint's last octet (nil unless redirected).
    func send(
        _ datapath: EBPFDatapath, sport: UInt16, flags: UInt8 = TCPFlags.syn, client: UInt8 = 2
    ) throws -> (verdict: UInt32, endpoint: UInt8?, packet: [UInt8]) {
        var packet = Fixture.toVIP(sport: sport, flags: flags)
        packet.src.3 = client
        let result = try TestRun.run(try datapath.programs().ingress, packet: packet.bytes, ifindex: Fixture.clientSide)
        let endpoint = result.verdict == Verdict.redirect && result.packet.count > 33 ? result.packet[33] : nil
        return (result.verdict, endpoint, result.packet)
    }

    func tally(_ endpoints: [UInt8?]) -> [UInt8: Int] {
        endpoints.reduce(into: [:]) { $0[$1 ?? 0, default: 0] += 1 }
    }

    @Test func roundRobinSkipsInactiveEndpoints() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(
            Self.service(.roundRobin, [Self.endpoint(10), Self.endpoint(11, active: false), Self.endpoint(12)]))
        let picks = try (0..<30).map { try send(datapath, sport: 41000 + UInt16($0)).endpoint }
        #expect(tally(picks)[11] == nil)
        #expect(picks.allSatisfy { $0 == 10 || $0 == 12 })
        // The table and slot survive the flag: programmed services still list the endpoint, inactive.
        let programmed = try await datapath.programmedServices()
        #expect(programmed.first?.endpoints.map(\.active) == [true, false, true])
    }

    @Test func hashKeepsEstablishedFlowsAndMovesAboutOneNthOfNewOnes() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        let three = [Self.endpoint(10), Self.endpoint(11), Self.endpoint(12)]
        try await datapath.upsert(Self.service(.hash, three))
        #expect(try datapath.selectionTable(serviceID: 7)?.count == Int(SLB_SEL_TABLE_SIZE))
        let ports = (0..<240).map { 42000 + UInt16($0) }
        let before = try ports.map { try send(datapath, sport: $0).endpoint }
        #expect(before.allSatisfy { $0 != nil })
        #expect(tally(before).count == 3)

        // A fourth endpoint: every tracked flow stays where it was.
        try await datapath.upsert(Self.service(.hash, three + [Self.endpoint(13)]))
        let established = try ports.map { try send(datapath, sport: $0, flags: TCPFlags.ack).endpoint }
        #expect(established == before)

        // The same tuples as new flows (RST, then SYN): about 1/4 move, all of them to the new endpoint.
        for port in ports { _ = try send(datapath, sport: port, flags: TCPFlags.rst | TCPFlags.ack) }
        let after = try ports.map { try send(datapath, sport: $0).endpoint }
        let moved = zip(before, after).filter { $0 != $1 }
        #expect(moved.allSatisfy { $0.1 == 13 }, "moved: \(moved)")
        #expect(moved.count >= 30 && moved.count <= 90, "\(moved.count) of 240 tuples moved (1/4 = 60)")

        // Removing the new endpoint again: the tuples that stayed keep their endpoint.
        try await datapath.upsert(Self.service(.hash, three))
        for port in ports { _ = try send(datapath, sport: port, flags: TCPFlags.rst | TCPFlags.ack) }
        let back = try ports.map { try send(datapath, sport: $0).endpoint }
        #expect(back == before)
    }

    @Test func hashTableHonoursTheActiveFlag() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(
            Self.service(.hash, [Self.endpoint(10), Self.endpoint(11, active: false), Self.endpoint(12)]))
        let table = try #require(try datapath.selectionTable(serviceID: 7))
        #expect(Set(table) == [0, 2])
        let picks = try (0..<60).map { try send(datapath, sport: 43000 + UInt16($0)).endpoint }
        #expect(tally(picks)[11] == nil && tally(picks)[10] != nil && tally(picks)[12] != nil)
    }

    @Test func priorityFollowsTheWeights() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(
            Self.service(
                .priority,
                [Self.endpoint(10, weight: 40), Self.endpoint(11, weight: 40), Self.endpoint(12, weight: 20)])
        )
        let picks = tally(try (0..<300).map { try send(datapath, sport: 44000 + UInt16($0)).endpoint })
        #expect(abs((picks[10] ?? 0) - 120) <= 3 && abs((picks[11] ?? 0) - 120) <= 3, "\(picks)")
        #expect(abs((picks[12] ?? 0) - 60) <= 3, "\(picks)")
    }

    @Test func persistKeepsAClientOnItsEndpointWhileItIsActive() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        var endpoints = [Self.endpoint(10), Self.endpoint(11), Self.endpoint(12)]
        try await datapath.upsert(Self.service(.persist, endpoints))
        var chosen: [UInt8: UInt8] = [:]
        for client in UInt8(2)...UInt8(9) {
            let picks = try (0..<8).map { try send(datapath, sport: 45000 + UInt16($0), client: client).endpoint }
            #expect(Set(picks).count == 1, "client .\(client) was spread over \(picks)")
            chosen[client] = try #require(picks.first ?? nil)
        }
        #expect(Set(chosen.values).count > 1, "all clients on one endpoint: \(chosen)")

        // The endpoint of client .2 goes inactive: its tracked flow stays, new flows move and stick.
        let first = try #require(chosen[2])
        endpoints = endpoints.map {
            $0.address == .v4(0x0a0a_0200 | UInt32(first)) ? Self.endpoint(first, active: false) : $0
        }
        try await datapath.upsert(Self.service(.persist, endpoints))
        #expect(try send(datapath, sport: 45000, flags: TCPFlags.ack, client: 2).endpoint == first)
        let moved = try (0..<6).map { try send(datapath, sport: 46000 + UInt16($0), client: 2).endpoint }
        #expect(Set(moved).count == 1 && moved.first != first, "\(moved)")
        // Another client keeps its endpoint if that one is still active.
        for client in UInt8(3)...UInt8(9) where chosen[client] != first {
            #expect(try send(datapath, sport: 46100, client: client).endpoint == chosen[client])
        }
    }

    @Test func persistRemembersIPv6ClientsByTheirFullAddress() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        let vip6 = ServiceKey(vip: .v6(Fixture.vip6), port: 80, proto: .tcp)
        func endpoint6(_ last: UInt8, active: Bool = true) -> DatapathEndpoint {
            DatapathEndpoint(address: .v6(Fixture.endpoint6(last)), port: 8080, weight: 1, active: active)
        }
        func upsert(inactive: UInt8? = nil) async throws {
            try await datapath.upsert(
                DatapathService(
                    id: 9, key: vip6, selection: .persist, mode: .dnat,
                    endpoints: [10, 11, 12].map { endpoint6($0, active: $0 != inactive) }))
        }
        // Two clients whose 32-bit words XOR to the same fold (the packet summary's hash input).
        let clientA = Fixture.client6  // fd00:10:1::2
        let clientB = Fixture.ip6("fd00:10:0:0:1::2")
        func pick(_ client: [UInt8], sport: UInt16) throws -> UInt8? {
            var packet = Fixture.toVIP6(sport: sport)
            packet.src = client
            let result = try TestRun.run(
                try datapath.programs().ingress, packet: packet.bytes, ifindex: Fixture.clientSide)
            return result.verdict == Verdict.redirect ? result.packet[53] : nil
        }
        try await upsert()
        let first = try #require(try pick(clientA, sport: 45500))
        #expect(try (1..<5).map { try pick(clientA, sport: 45500 + UInt16($0)) }.allSatisfy { $0 == first })
        // A's endpoint goes away: A moves and is remembered there; then its endpoint comes back.
        try await upsert(inactive: first)
        let moved = try #require(try pick(clientA, sport: 45510))
        #expect(moved != first)
        try await upsert()
        #expect(try pick(clientA, sport: 45511) == moved, "A keeps the endpoint it was moved to")
        // B, never seen, is not A: it gets the table's pick, not A's remembered endpoint.
        #expect(try pick(clientB, sport: 45520) == first)
        let keys = try datapath.persistence.keys().filter { $0.svc_id == 9 }
        #expect(keys.count == 2 && keys.allSatisfy { $0.family == UInt8(SLB_AF_INET6) })
        let addresses = Set(keys.map { key in withUnsafeBytes(of: key.addr) { Array($0) } })
        #expect(addresses == [clientA, clientB])
    }

    @Test func leastConnectionsPicksTheEndpointWithFewestOpenFlows() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(
            Self.service(.leastConnections, [Self.endpoint(10), Self.endpoint(11), Self.endpoint(12)]))
        let opened = try (0..<6).map { try send(datapath, sport: 47100 + UInt16($0)).endpoint }
        #expect(tally(opened) == [10: 2, 11: 2, 12: 2])
        #expect(try datapath.openFlowCounts(serviceID: 7) == [2, 2, 2])

        // Close both flows of .11 (RST): the next two new flows go there.
        for (index, endpoint) in opened.enumerated() where endpoint == 11 {
            _ = try send(datapath, sport: 47100 + UInt16(index), flags: TCPFlags.rst | TCPFlags.ack)
        }
        #expect(try datapath.openFlowCounts(serviceID: 7) == [2, 0, 2])
        let next = try (0..<2).map { try send(datapath, sport: 47200 + UInt16($0)).endpoint }
        #expect(next == [11, 11])
        #expect(try datapath.recountOpenFlows() == 0)

        // A count that drifted (as after a lost update) is corrected from conntrack.
        try datapath.openFlows.update(EBPFDatapath.endpointKey(7, 0), 40)
        #expect(try datapath.recountOpenFlows() == 1)
        #expect(try datapath.openFlowCounts(serviceID: 7) == [2, 2, 2])
    }

    /// The same over IPv6: new IPv6 flows raise their endpoint's open-flow count too (they once did not, and
    /// lc chose from counts that only the garbage collector's recount repaired).
    @Test func leastConnectionsCountsIPv6Flows() async throws {
        let datapath = try await Fixture.datapath6(selection: .leastConnections)
        func open(_ sport: UInt16, flags: UInt8 = TCPFlags.syn) throws -> UInt8? {
            let result = try TestRun.run(
                try datapath.programs().ingress, packet: Fixture.toVIP6(sport: sport, flags: flags).bytes,
                ifindex: Fixture.clientSide)
            return result.verdict == Verdict.redirect && result.packet.count > 53 ? result.packet[53] : nil
        }
        let opened = try (0..<6).map { try open(47300 + UInt16($0)) }
        #expect(tally(opened) == [10: 2, 11: 2, 12: 2])
        #expect(try datapath.openFlowCounts(serviceID: 9) == [2, 2, 2])
        for (index, endpoint) in opened.enumerated() where endpoint == 11 {
            _ = try open(47300 + UInt16(index), flags: TCPFlags.rst | TCPFlags.ack)
        }
        #expect(try datapath.openFlowCounts(serviceID: 9) == [2, 0, 2])
        let next = try (0..<2).map { try open(47400 + UInt16($0)) }
        #expect(next == [11, 11])
        #expect(try datapath.recountOpenFlows() == 0)
    }

    @Test func attachAndDetachKeepSlotsAndFlows() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(Self.service(.roundRobin, [Self.endpoint(10), Self.endpoint(11), Self.endpoint(12)]))
        let flows = try (0..<3).map { try send(datapath, sport: 48000 + UInt16($0)).endpoint }
        #expect(flows == [10, 11, 12])
        // Detach .11, attach .9 (which sorts first): .10 and .12 keep slots 0 and 2, .9 gets a fresh slot.
        try await datapath.upsert(Self.service(.roundRobin, [Self.endpoint(9), Self.endpoint(10), Self.endpoint(12)]))
        #expect(try datapath.canonicalSlots(id: 7) == [3, 0, 2])
        let again = try (0..<3).map { try send(datapath, sport: 48000 + UInt16($0), flags: TCPFlags.ack).endpoint }
        #expect(again == [10, 11, 12])
        let counters = try await datapath.endpointCounters(id: 7, count: 3)
        // .9 is new (no packets; the ACK of .11's flow counts in .11's old slot), .10 and .12 kept
        // theirs: SYN and ACK each.
        #expect(counters.map(\.packets) == [0, 2, 2])
    }

    @Test(arguments: [NATMode.dnat, .fullNAT, .oneArm])
    func idleEstablishedFlowIsResetBothWays(mode: NATMode) async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        var service = Self.service(.roundRobin, [Self.endpoint(10)], inactiveTimeout: 1)
        service.mode = mode
        try await datapath.upsert(service)
        try datapath.syncInterfaceAddresses()  // onearm's source: the address of the interface toward the endpoint
        let opened = try send(datapath, sport: 49000)
        #expect(opened.verdict == Verdict.redirect)
        // The flow's translated source (the client for DNAT, the SNAT address and port otherwise).
        let natSource = Array(opened.packet[26..<30]), natPort = Array(opened.packet[34..<36])
        let synAck = Packet(
            srcMAC: Fixture.endpointMAC(10), dstMAC: Fixture.serverSideMAC, src: Fixture.endpoint(10),
            dst: (natSource[0], natSource[1], natSource[2], natSource[3]), sport: 8080,
            dport: UInt16(natPort[0]) << 8 | UInt16(natPort[1]), tcpFlags: TCPFlags.syn | TCPFlags.ack)
        _ = try TestRun.run(try datapath.programs().ingress, packet: synAck.bytes, ifindex: Fixture.serverSide)
        #expect(try send(datapath, sport: 49000, flags: TCPFlags.ack).verdict == Verdict.redirect)
        #expect(try await datapath.connections().first?.state == "est")
        let capture = try #require(FrameCapture(interface: "fx1p"), "cannot capture on fx1p")
        // Within the timeout data flows; after it the next packet is answered with a RST to each end.
        try await Task.sleep(for: .milliseconds(2200))
        var data = Fixture.toVIP(sport: 49000, flags: TCPFlags.ack | TCPFlags.psh)
        data.seq = 7777
        data.payload = Array("late".utf8)
        let result = try TestRun.run(try datapath.programs().ingress, packet: data.bytes, ifindex: Fixture.clientSide)
        #expect(result.verdict == Verdict.redirect)
        // To the client: SEQ = the packet's ACK (5000), flags RST, out of the arrival interface.
        let toClient = Self.rst(
            macs: Fixture.clientMAC + Fixture.clientSideMAC, src: [10, 10, 100, 1], dst: [10, 10, 1, 2],
            sport: 80, dport: 49000, seq: 5000)
        #expect(result.packet == toClient)
        // To the endpoint: the packet as the flow's NAT translates it, SEQ = the packet's own (7777), out of fx1.
        let toServer = Self.rst(
            macs: Fixture.endpointMAC(10) + Fixture.serverSideMAC, src: natSource, dst: [10, 10, 2, 10],
            sport: UInt16(natPort[0]) << 8 | UInt16(natPort[1]), dport: 8080, seq: 7777)
        let peer = capture.next {
            // Only this flow's frame: other fixtures running at the same time send RSTs through fx1 too.
            $0.count >= 54 && $0[12] == 0x08 && $0[23] == 6 && Array($0[30..<34]) == [10, 10, 2, 10]
                && Array($0[34..<38]) == natPort + [0x1f, 0x90]
        }
        #expect(peer.map { Array($0.prefix(54)) } == toServer)
        #expect(peer.map { Checksum.valid(Array($0.prefix(54))) } == true)
        #expect(try await datapath.connections().isEmpty)
        let counters = try datapath.globalCounters()
        #expect(counters[Int(SLB_CNT_TCP_IDLE_RESET.rawValue)] == 1)
        #expect(counters[Int(SLB_CNT_TCP_IDLE_RESET_PEER.rawValue)] == 1)
        #expect(try datapath.openFlowCounts(serviceID: 7) == [0])
    }

    /// A 54-byte RST frame (IP ID 0, no DF, TTL 64, window 0) with both checksums computed here.
    static func rst(macs: [UInt8], src: [UInt8], dst: [UInt8], sport: UInt16, dport: UInt16, seq: UInt32) -> [UInt8] {
        var tcp = be16(sport) + be16(dport) + be32(seq) + be32(0) + [0x50, TCPFlags.rst] + [0, 0, 0, 0, 0, 0]
        let sum = Checksum.fold(Checksum.sum(src + dst + [0, 6] + be16(20) + tcp))
        tcp[16] = UInt8(sum >> 8)
        tcp[17] = UInt8(sum & 0xff)
        var frame = RawFrame(
            srcMAC: Array(macs[6..<12]), dstMAC: Array(macs[0..<6]), src: src, dst: dst, proto: 6, l4: tcp)
        frame.ipID = 0
        frame.fragment = 0
        return frame.bytes
    }

    @Test func fullConntrackRefusesNewFlowsAndKeepsTrackedOnes() async throws {
        // A small table (sized for 1,024 entries: 2,048 home slots), so that filling it is quick.
        let datapath = try EBPFDatapath(pinRoot: nil, conntrackEntries: 1024)
        try await datapath.upsert(Self.service(.roundRobin, [Self.endpoint(10)]))
        #expect(try send(datapath, sport: 50000).verdict == Verdict.redirect)
        // Offer far more unrelated entries than there are slots: each is refused only when its
        // window is full, so afterwards every slot is in use.
        var filler = slb_ct_key()
        filler.proto = 6
        filler.family = UInt8(SLB_AF_INET)
        var value = slb_ct_val()
        value.state = UInt8(SLB_CT_ESTABLISHED.rawValue)
        var inserted = 0
        for address in UInt32(0)..<262_144 {
            filler.saddr.0 = (0xac10_0000 | address).bigEndian
            if (try? datapath.conntrack.update(filler, value)) != nil { inserted += 1 }
        }
        let slots = Int(datapath.conntrack.elementCount) - 1
        #expect(inserted + 2 == slots, "\(inserted) entries and the flow's 2 in \(slots) slots")
        #expect(datapath.conntrack.liveCount == slots)
        let refused = try send(datapath, sport: 50001)
        #expect(refused.verdict == Verdict.shot)
        let counters = try datapath.globalCounters()
        #expect(counters[Int(SLB_CNT_DROP_CT_FULL.rawValue)] == 1)
        #expect(counters[Int(SLB_CNT_DROP_CT_INSERT.rawValue)] == 1)
        #expect((try await datapath.packetCounters())["drop_ct_full"] == 1)
        // The flow tracked before the table filled up goes on.
        #expect(try send(datapath, sport: 50000, flags: TCPFlags.ack).endpoint == 10)
    }
}
