import BPFLoader
import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

#if canImport(Glibc)
    import Glibc
#endif

/// A daemon restarted with other sizing flags replaces the pinned maps of another size (it writes
/// every rule again), keeps the conntrack table, and reuses everything when the sizes agree.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct StalePinFixtureTests {
    static let pinRoot = "/sys/fs/bpf/slbsc-stale-\(getpid())"
    static let service = DatapathService(
        id: 3, key: ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp), selection: .roundRobin, mode: .dnat,
        endpoints: [DatapathEndpoint(address: .v4(0x0a0a_020a), port: 8080, weight: 1)])

    @Test func resizedMapsAreRecreatedAndConntrackIsKept() async throws {
        defer { try? BPFFilesystem.removePins(pinRoot: Self.pinRoot) }
        let small = DatapathCapacity(maxServices: 2048, endpointEntries: 4096, selectionTables: 8)
        do {
            let first = try EBPFDatapath(pinRoot: Self.pinRoot, capacity: small)
            #expect(first.object.recreatedPins.isEmpty)
            try await first.upsert(Self.service)
            _ = try TestRun.run(
                try first.programs().ingress, packet: Fixture.toVIP(sport: 41000).bytes, ifindex: Fixture.clientSide)
            #expect(first.conntrack.liveCount == 2)
        }
        // The same sizes: every pin is reused, the service is still there.
        do {
            let same = try EBPFDatapath(pinRoot: Self.pinRoot, capacity: small)
            #expect(same.object.recreatedPins.isEmpty)
            #expect(try await same.programmedServices().map(\.id) == [3])
        }
        // More services (40,000: a match map of 80,000 keys) and endpoints: those maps start empty,
        // the flow's conntrack entries stay.
        let larger = try EBPFDatapath(
            pinRoot: Self.pinRoot,
            capacity: DatapathCapacity(maxServices: 40000, endpointEntries: 8192, selectionTables: 8))
        #expect(
            Set(larger.object.recreatedPins) == [
                SLB_MAP_SERVICES, SLB_MAP_RR, SLB_MAP_SVC_STATS, SLB_MAP_SNAT_POOL, SLB_MAP_ENDPOINTS,
                SLB_MAP_EP_ACTIVE, SLB_MAP_EP_STATS, SLB_MAP_EP_CONNS,
            ])
        #expect(try await larger.programmedServices().isEmpty)
        #expect(larger.conntrack.liveCount == 2)
        try await larger.upsert(Self.service)
        #expect(try await larger.programmedServices().map(\.id) == [3])
    }
}
