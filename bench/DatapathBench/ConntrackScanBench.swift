import Foundation
import SwiftLBABI
import SwiftLBDatapath

#if canImport(Glibc)
    import Glibc
#endif

/// `swiftlb-bench --ct-scan`: what one change pass of conntrack sync (ConntrackChangeDetector)
/// costs over a table in ordinary memory (the map's layout), at the default size and a small one,
/// empty and filled. The pass interval of ConntrackSync is chosen from these figures.
enum ConntrackScanBench {
    static func run() {
        print("| slots | flows | first pass (all new), ms | steady pass (no change), ms |")
        print("|---|---|---|---|")
        for (entries, flows) in [(UInt32(1024), 0), (1024, 1000), (262_144, 0), (262_144, 100_000), (262_144, 262_144)]
        {
            let elements = ConntrackTable.mapElements(forEntries: entries)
            guard let table = ConntrackTable(inMemoryElements: elements) else { continue }
            fill(table, flows: flows)
            let detector = ConntrackChangeDetector(table: table)
            let first = time { _ = detector.scan() }
            let passes = 20
            let steady = time { for _ in 0..<passes { _ = detector.scan() } } / Double(passes)
            print("| \(elements) | \(table.liveCount) | \(format(first)) | \(format(steady)) |")
        }
    }

    static func fill(_ table: ConntrackTable, flows: Int) {
        var value = slb_ct_val()
        value.state = 4
        for index in 0..<flows {
            var key = slb_ct_key()
            key.saddr.0 = UInt32(truncatingIfNeeded: index).multipliedReportingOverflow(by: 2_654_435_761).partialValue
            key.sport = UInt16(truncatingIfNeeded: index)
            key.proto = 6
            key.family = 2
            try? table.update(key, value)
        }
    }

    static func time(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    static func format(_ milliseconds: Double) -> String {
        String(format: "%.3f", milliseconds)
    }
}
