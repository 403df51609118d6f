import SwiftLBABI
import Testing

@testable import SwiftLBDatapath

/// How `--ct-entries` becomes the conntrack map's size (no kernel needed).
struct ConntrackSizingTests {
    let probes = UInt32(SLB_CT_PROBES)

    @Test func theDefaultGetsTwiceItsEntriesInHomeSlotsPlusTheOverflow() {
        #expect(ConntrackTable.mapElements(forEntries: nil) == 2 * UInt32(SLB_CT_MAX_ENTRIES) + probes)
        #expect(ConntrackTable.mapElements(forEntries: UInt32(SLB_CT_MAX_ENTRIES)) == 524_288 + probes)
    }

    @Test func otherSizesRoundUpToAPowerOfTwo() {
        #expect(ConntrackTable.mapElements(forEntries: 1024) == 2048 + probes)
        #expect(ConntrackTable.mapElements(forEntries: 1025) == 4096 + probes)
        #expect(ConntrackTable.mapElements(forEntries: 1_000_000) == 2_097_152 + probes)
        #expect(ConntrackTable.mapElements(forEntries: 16_777_216) == 33_554_432 + probes)
    }

    @Test func theLargestTableStopsAtTwoToTheThirtyOneHomeSlots() {
        #expect(ConntrackTable.mapElements(forEntries: UInt32.max) == (1 << 31) + probes)
    }

    @Test func everySizeIsOneTheDaemonsSideAccepts() {
        for entries in [nil, 1, 1000, 1024, 65_537, 1_000_000] as [UInt32?] {
            #expect(slb_ct_user_count_valid(ConntrackTable.mapElements(forEntries: entries)) != 0)
        }
    }
}
