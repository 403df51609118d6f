import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// The kernel datapath reports its limits as `DatapathError` of kind `limit`, which the API answers with 507.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct DatapathLimitFixtureTests {
    @Test func moreEndpointsThanSlotsIsALimitAndChangesNothing() async throws {
        let datapath = try EBPFDatapath(pinRoot: nil)
        let endpoints = (1...(Int(SLB_MAX_ENDPOINTS) + 1)).map {
            DatapathEndpoint(address: .v4(0x0a0a_0300 | UInt32($0)), port: 8080, weight: 1)
        }
        let service = DatapathService(
            id: 4, key: ServiceKey(vip: .v4(0x0a0a_6401), port: 80, proto: .tcp), selection: .roundRobin,
            mode: .dnat, endpoints: endpoints)
        await #expect {
            try await datapath.upsert(service)
        } throws: { error in
            (error as? DatapathError)?.kind == .limit
        }
        #expect(try await datapath.programmedServices().isEmpty)
    }
}
