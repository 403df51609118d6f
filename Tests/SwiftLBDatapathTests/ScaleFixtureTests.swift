import BPFLoader
import PacketTestSupport
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// Services with SLB_MAX_ENDPOINTS (1,024) endpoints and ids near the largest, with real packets:
/// every algorithm reaches slots far beyond the old limit of 32 and one-byte table entries.
/// Endpoints are one address with 1,024 ports (10000 + slot), so the rewritten destination port
/// names the slot a flow went to.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct ScaleFixtureTests {
    static let count = Int(SLB_MAX_ENDPOINTS)
    static let key = ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp)
    static let key6 = ServiceKey(vip: .v6(Fixture.vip6), port: 80, proto: .tcp)

    static func endpoints(inactive: Set<Int> = [], v6: Bool = false) -> [DatapathEndpoint] {
        (0..<count).map {
            DatapathEndpoint(
                address: v6 ? .v6(Fixture.endpoint6(10)) : .v4(0x0a0a_020a), port: UInt16(10000 + $0), weight: 1,
                active: !inactive.contains($0))
        }
    }

    static func service(
        id: UInt32 = 7, _ selection: SelectionAlgorithm, inactive: Set<Int> = [], v6: Bool = false
    ) -> DatapathService {
        DatapathService(
            id: id, key: v6 ? key6 : key, selection: selection, mode: .dnat,
            endpoints: endpoints(inactive: inactive, v6: v6))
    }

    /// Sends a SYN from the client's port `sport`; returns the endpoint index the flow went to (nil: none).
    func send(_ datapath: EBPFDatapath, sport: UInt16, v6: Bool = false) throws -> Int? {
        let bytes = v6 ? Fixture.toVIP6(sport: sport).bytes : Fixture.toVIP(sport: sport).bytes
        let result = try TestRun.run(try datapath.programs().ingress, packet: bytes, ifindex: Fixture.clientSide)
        // Ethernet, then a 20-byte IPv4 or 40-byte IPv6 header: the TCP destination port.
        let offset = v6 ? 56 : 36
        guard result.verdict == Verdict.redirect, result.packet.count > offset + 1 else { return nil }
        let port = Int(result.packet[offset]) << 8 | Int(result.packet[offset + 1])
        return port - 10000
    }

    @Test func roundRobinReachesEverySlotAndSkipsAnInactiveFarOne() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(Self.service(.roundRobin, inactive: [1000]))
        let picks = try (0..<2 * (Self.count - 1)).map { try send(datapath, sport: UInt16(20000 + $0)) }
        let tally = picks.reduce(into: [Int: Int]()) { $0[$1 ?? -1, default: 0] += 1 }
        #expect(tally[1000] == nil && tally[-1] == nil)
        #expect(tally.count == Self.count - 1 && tally.values.allSatisfy { $0 == 2 }, "\(tally.count) endpoints")
        #expect(tally[1023] == 2)
    }

    @Test func hashUsesSlotsBeyondOneByteAndEveryEndpointOwnsBuckets() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(Self.service(.hash))
        let table = try #require(try datapath.selectionTable(serviceID: 7))
        let shares = MaglevTable.shares(table)
        #expect(shares.count == Self.count && shares.keys.max() == UInt16(Self.count - 1))
        let picks = try (0..<600).map { try send(datapath, sport: UInt16(30000 + $0)) }
        #expect(picks.allSatisfy { $0 != nil })
        #expect(picks.contains { ($0 ?? 0) > 255 })
        // Each pick is what the table's bucket says: the same tuple again finds the same endpoint.
        let again = try (0..<600).map { try send(datapath, sport: UInt16(30000 + $0)) }
        #expect(again == picks)
    }

    @Test func hashSkipsAnInactiveFarSlot() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(Self.service(.hash, inactive: Set(256..<1024)))
        let picks = try (0..<400).map { try send(datapath, sport: UInt16(31000 + $0)) }
        #expect(picks.allSatisfy { $0 != nil && $0! < 256 })
    }

    @Test func leastConnectionsFindsTheIdleFarEndpoint() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        try await datapath.upsert(Self.service(.leastConnections))
        for slot in 0..<Self.count where slot != 1000 {
            try datapath.openFlows.update(EBPFDatapath.endpointKey(7, slot), 10)
        }
        // lc compares SLB_LC_WINDOW endpoints from a rotating start: start the window just before 1000.
        try datapath.roundRobin.update(7, 990)
        #expect(try send(datapath, sport: 32000) == 1000)
        #expect(try datapath.openFlowCounts(serviceID: 7)[1000] == 1)
    }

    @Test func theLargestServiceIdWorksAndOneBeyondIsALimit() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        let last = UInt32(Limits.maxServices - 1)
        try await datapath.upsert(Self.service(id: last, .roundRobin))
        let picks = try (0..<Self.count).map { try send(datapath, sport: UInt16(33000 + $0)) }
        #expect(Set(picks.compactMap { $0 }).count == Self.count)
        await #expect {
            try await datapath.upsert(Self.service(id: last + 1, .roundRobin))
        } throws: { error in
            (error as? DatapathError)?.kind == .limit
        }
    }

    @Test func ipv6ServiceWithAThousandEndpointsAtTheLargestId() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        let last = UInt32(Limits.maxServices - 1)
        try await datapath.upsert(Self.service(id: last, .roundRobin, inactive: [700], v6: true))
        let picks = try (0..<Self.count - 1).map { try send(datapath, sport: UInt16(34000 + $0), v6: true) }
        let reached = Set(picks.compactMap { $0 })
        #expect(reached.count == Self.count - 1 && !reached.contains(700))
        try await datapath.upsert(Self.service(id: last, .hash, v6: true))
        let hashed = try (0..<300).map { try send(datapath, sport: UInt16(36000 + $0), v6: true) }
        #expect(hashed.allSatisfy { $0 != nil } && hashed.contains { ($0 ?? 0) > 255 })
    }

    @Test func removingAServiceGivesItsEndpointSlotsBack() async throws {
        // Room for one such service only: a second fits only once the first gave its slots back.
        let datapath = try EBPFDatapath(pinRoot: nil, capacity: DatapathCapacity(endpointEntries: Self.count))
        try await datapath.upsert(Self.service(.roundRobin))
        let other = DatapathService(
            id: 8, key: ServiceKey(vip: .v4(0x0a0a_6402), port: 80, proto: .tcp), selection: .roundRobin, mode: .dnat,
            endpoints: Self.endpoints())
        await #expect {
            try await datapath.upsert(other)
        } throws: { error in
            (error as? DatapathError)?.kind == .limit
                && "\(error)".contains("--endpoint-entries")
        }
        #expect(try await datapath.programmedServices().map(\.id) == [7])
        try await datapath.remove(key: Self.key, id: 7)
        try await datapath.upsert(other)
        #expect(try await datapath.programmedServices().map(\.id) == [8])
    }
}
