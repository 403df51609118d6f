import SwiftLBABI
import SwiftLBCore
import Testing

/// SwiftLBCore states the datapath's limits without importing the ABI header; they must agree with it.
struct LimitsAgreementTests {
    @Test func coreLimitsEqualTheABIHeaders() {
        #expect(Limits.maxServices == Int(SLB_MAX_SERVICES))
        #expect(Limits.maxServiceKeys == Int(SLB_MAX_SERVICE_KEYS))
        #expect(Limits.maxEndpointsPerService == Int(SLB_MAX_ENDPOINTS))
        #expect(Limits.minServiceKeys == Int(SLB_MIN_SERVICE_KEYS))
        #expect(Limits.endpointEntries == Int(SLB_EP_ENTRIES))
        #expect(Limits.selectionTables == Int(SLB_MAX_SEL_TABLES))
        #expect(DatapathCapacity.defaults.serviceKeys == Int(SLB_MAX_SERVICE_KEYS))
        #expect(DatapathCapacity.servicesRange.upperBound == Int(SLB_MAX_SERVICES_LIMIT))
        #expect(SNATPool.maxCount == UInt32(SLB_SNAT_POOL_MAX))
    }
}
