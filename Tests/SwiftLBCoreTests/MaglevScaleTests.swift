import Testing

@testable import SwiftLBCore

/// Selection tables for the largest services (1,024 endpoints) at the datapath's table size.
struct MaglevScaleTests {
    static func members(_ count: Int, weight: (Int) -> UInt32 = { _ in 1 }) -> [MaglevTable.Member] {
        (0..<count).map {
            MaglevTable.Member(name: "10.1.\($0 / 256).\($0 % 256):8080", weight: weight($0), slot: UInt16($0))
        }
    }

    @Test("Maglev: 1,024 equal endpoints own 64 or 65 of the 65,537 buckets each (within 1/64 of a fair share)")
    func equalShares() {
        let table = MaglevTable.build(Self.members(1024))
        let shares = MaglevTable.shares(table)
        #expect(shares.count == 1024)
        #expect(shares.values.allSatisfy { $0 == 64 || $0 == 65 }, "\(shares.values.min()!)...\(shares.values.max()!)")
        #expect(shares.values.reduce(0, +) == MaglevTable.defaultSize)
    }

    @Test("Maglev: weights 1 and 2 over 1,024 endpoints split the table 1:2 within 2 buckets")
    func weightedShares() {
        let table = MaglevTable.build(Self.members(1024) { $0 % 2 == 0 ? 1 : 2 })
        let shares = MaglevTable.shares(table)
        // 512 × w + 512 × 2w = 65,537 buckets: w ≈ 42.7.
        let unit = Double(MaglevTable.defaultSize) / 1536
        for (slot, owned) in shares {
            let expected = unit * (slot % 2 == 0 ? 1 : 2)
            #expect(abs(Double(owned) - expected) <= 2, "slot \(slot) owns \(owned), expected \(expected)")
        }
    }

    @Test("Maglev: removing one of 1,024 endpoints moves few of the other endpoints' buckets")
    func removalMovesLittle() {
        let all = Self.members(1024)
        let before = MaglevTable.build(all)
        let after = MaglevTable.build(all.filter { $0.slot != 700 })
        let moved = zip(before, after).filter { $0 != $1 && $0 != 700 }.count
        // Maglev is not minimal-disruption: a few percent of the others' buckets move.
        #expect(Double(moved) / Double(before.count) < 0.05, "\(moved) buckets moved")
        #expect(!after.contains(700))
    }
}
