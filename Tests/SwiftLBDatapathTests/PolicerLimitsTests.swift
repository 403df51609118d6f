import SwiftLBABI
import SwiftLBCore
import Testing

/// The policers' units and limits in SwiftLBCore must agree with swiftlb_policer.h.
struct PolicerLimitsTests {
    @Test func coreUnitsAndLimitsEqualTheABIHeader() {
        #expect(PolicerParameters.fractionBits == UInt64(SLB_POL_FRAC_BITS))
        #expect(PolicyValidator.minMbps == Int(SLB_POL_MIN_MBPS))
        #expect(PolicyValidator.maxMbps == Int(SLB_POL_MAX_MBPS))
        #expect(PolicyValidator.maxBucket == Int(SLB_POL_MAX_BUCKET))
        #expect(PolicyStore.maxPolicies == Int(SLB_POL_MAX) - 1)
        // The largest rate times the longest credited time stays below 2^64 (policer.h).
        let rate = PolicerParameters.rate(mbps: PolicyValidator.maxMbps)
        #expect(!rate.multipliedReportingOverflow(by: UInt64(SLB_POL_MAX_ELAPSED_NS)).overflow)
        // The largest bucket fills at the smallest rate within the longest credited time.
        let fill =
            PolicerParameters.bucket(bytes: PolicyValidator.maxBucket)
            / PolicerParameters.rate(mbps: PolicyValidator.minMbps)
        #expect(fill < UInt64(SLB_POL_MAX_ELAPSED_NS))
    }
}
