import Testing

@testable import SwiftLBCore

/// Maglev tables, weighted sequences, stable slots and the algorithms' validation.
@Suite("Selection algorithms")
struct SelectionAlgorithmTests {
    static func members(_ count: Int, weight: UInt32 = 1) -> [MaglevTable.Member] {
        (0..<count).map {
            MaglevTable.Member(name: "10.\($0 / 250).\($0 % 250).1:8080", weight: weight, slot: UInt16($0))
        }
    }

    @Test(
        "Maglev: every endpoint owns M/N buckets within 1%, for N up to 1000", arguments: [1, 2, 3, 7, 32, 100, 1000])
    func balance(count: Int) {
        let size = MaglevTable.defaultSize
        let shares = MaglevTable.shares(MaglevTable.build(Self.members(count), size: size))
        let ideal = Double(size) / Double(count)
        #expect(shares.count == count)
        #expect(shares.values.reduce(0, +) == size)
        for (slot, share) in shares {
            #expect(abs(Double(share) - ideal) <= ideal * 0.01, "slot \(slot) owns \(share), ideal \(ideal)")
        }
    }

    @Test(
        "Maglev: removing 1 of N endpoints changes at most 1/N + 1% of the buckets", arguments: [3, 10, 32, 100, 1000])
    func disruption(count: Int) {
        let size = MaglevTable.defaultSize
        let all = Self.members(count)
        let before = MaglevTable.build(all, size: size)
        for removed in [0, count / 2, count - 1] {
            let after = MaglevTable.build(all.filter { $0.slot != UInt16(removed) }, size: size)
            let changed = zip(before, after).filter { $0 != $1 }.count
            let limit = Double(size) * (1.0 / Double(count) + 0.01)
            #expect(Double(changed) <= limit, "removing slot \(removed) of \(count) changed \(changed) buckets")
            // Buckets that did not belong to the removed endpoint stay, all but at most 1%.
            let collateral = zip(before, after).filter { $0 != UInt16(removed) && $0 != $1 }.count
            #expect(Double(collateral) <= Double(size) * 0.01, "\(collateral) buckets of other endpoints moved")
            #expect(!after.contains(UInt16(removed)))
        }
    }

    @Test("Maglev: adding one endpoint to N moves about 1/(N+1) of the buckets, all to the new one")
    func addition() {
        let size = MaglevTable.defaultSize
        let before = MaglevTable.build(Self.members(9), size: size)
        let after = MaglevTable.build(Self.members(10), size: size)
        let moved = zip(before, after).filter { $0 != $1 }
        #expect(Double(moved.count) <= Double(size) * (1.0 / 10 + 0.01))
        let toNew = moved.filter { $0.1 == 9 }.count
        #expect(
            Double(toNew) >= Double(moved.count) * 0.9,
            "\(toNew) of \(moved.count) moved buckets went to the new endpoint")
    }

    @Test("Maglev: the table depends on names, not on slot order or input order")
    func deterministic() {
        let members = Self.members(5)
        let reversed = MaglevTable.build(Array(members.reversed()), size: 251)
        #expect(MaglevTable.build(members, size: 251) == reversed)
        #expect(MaglevTable.build(members, size: 251) == MaglevTable.build(members, size: 251))
    }

    @Test("Maglev: weights 40/40/20 give buckets in that proportion (within 1%)")
    func weightedMaglev() {
        let size = MaglevTable.defaultSize
        let members = [
            MaglevTable.Member(name: "a", weight: 40, slot: 0), MaglevTable.Member(name: "b", weight: 40, slot: 1),
            MaglevTable.Member(name: "c", weight: 20, slot: 2),
        ]
        let shares = MaglevTable.shares(MaglevTable.build(members, size: size))
        for (slot, fraction) in [(UInt16(0), 0.4), (1, 0.4), (2, 0.2)] {
            #expect(abs(Double(shares[slot] ?? 0) / Double(size) - fraction) < 0.01, "slot \(slot): \(shares)")
        }
    }

    @Test("Maglev: no member of positive weight leaves every bucket empty; sizes must be prime")
    func emptyTable() {
        #expect(MaglevTable.build([], size: 7) == Array(repeating: UInt16.max, count: 7))
        #expect(
            MaglevTable.build([MaglevTable.Member(name: "a", weight: 0, slot: 0)], size: 7).allSatisfy { $0 == .max })
        #expect(MaglevTable.isPrime(MaglevTable.defaultSize) && MaglevTable.isPrime(MaglevTable.maxSize))
        #expect(!MaglevTable.isPrime(65536))
        // A size that is not prime cannot give permutations: the table stays empty rather than skewed.
        #expect(MaglevTable.build(Self.members(3), size: 8).allSatisfy { $0 == .max })
    }

    @Test("priority: the weighted sequence splits any 300 consecutive picks 40/40/20 within ±3")
    func weightedSequence() {
        let members = [
            MaglevTable.Member(name: "a", weight: 40, slot: 0), MaglevTable.Member(name: "b", weight: 40, slot: 1),
            MaglevTable.Member(name: "c", weight: 20, slot: 2),
        ]
        let sequence = WeightedSequence.build(members, length: 3000)
        for start in stride(from: 0, to: 2700, by: 137) {
            let window = MaglevTable.shares(Array(sequence[start..<start + 300]))
            #expect(abs((window[0] ?? 0) - 120) <= 3 && abs((window[1] ?? 0) - 120) <= 3, "\(window)")
            #expect(abs((window[2] ?? 0) - 60) <= 3, "\(window)")
        }
        // Interleaved, not in bursts: the light endpoint never waits more than 5 picks.
        let lightPositions = sequence.indices.filter { sequence[$0] == 2 }
        #expect(zip(lightPositions, lightPositions.dropFirst()).allSatisfy { $1 - $0 <= 5 })
    }

    @Test("slots are stable: remaining endpoints keep theirs, new ones take fresh slots, holes reused last")
    func slotLayout() {
        func ep(_ last: UInt32, weight: UInt16 = 1) -> DatapathEndpoint {
            DatapathEndpoint(address: .v4(0x0a00_0100 | last), port: 80, weight: weight)
        }
        let first = SlotLayout.assign(desired: [ep(1), ep(2), ep(3)], previous: [])
        #expect(first == [ep(1), ep(2), ep(3)])
        // Detach .2, attach .0 (sorts first) with a new weight for .3: .1 and .3 stay put, .0 is appended.
        let second = SlotLayout.assign(desired: [ep(0), ep(1), ep(3, weight: 5)], previous: first)
        #expect(second == [ep(1), nil, ep(3, weight: 5), ep(0)])
        #expect(SlotLayout.assign(desired: [ep(1)], previous: second) == [ep(1), nil, nil, nil])
        #expect(SlotLayout.assign(desired: [ep(3)], previous: [ep(1), ep(2), ep(3)]) == [nil, nil, ep(3)])
        // All slots used once: the first hole is reused.
        #expect(
            SlotLayout.assign(desired: [ep(1), ep(3), ep(4)], previous: first, maxSlots: 3) == [ep(1), ep(4), ep(3)])
        #expect(SlotLayout.canonical(second) == [ep(0), ep(1), ep(3, weight: 5)])
        #expect(SlotLayout.assign(desired: [], previous: first).isEmpty)
    }

    @Test("tables cover active endpoints only, by algorithm; rr and lc need none")
    func selectionTables() {
        let endpoints = [
            DatapathEndpoint(address: .v4(0x0a00_0101), port: 80, weight: 1),
            DatapathEndpoint(address: .v4(0x0a00_0102), port: 80, weight: 1, active: false),
            DatapathEndpoint(address: .v4(0x0a00_0103), port: 80, weight: 1),
        ]
        var service = DatapathService(
            id: 1, key: ServiceKey(vip: .v4(0x0a00_0001), port: 80, proto: .tcp), selection: .hash, mode: .dnat,
            endpoints: endpoints)
        let slots: [DatapathEndpoint?] = [endpoints[0], endpoints[1], nil, endpoints[2]]
        for selection in [SelectionAlgorithm.hash, .persist, .priority] {
            service.selection = selection
            let table = service.selectionTable(slots: slots, size: 1009)
            #expect(Set(table ?? []) == [0, 3], "\(selection.name)")
        }
        for selection in [SelectionAlgorithm.roundRobin, .leastConnections] {
            service.selection = selection
            #expect(service.selectionTable(slots: slots, size: 1009) == nil)
        }
        service.selection = .hash
        let allDown = slots.map {
            $0.map { DatapathEndpoint(address: $0.address, port: $0.port, weight: 1, active: false) }
        }
        #expect(service.selectionTable(slots: allDown, size: 1009)?.allSatisfy { $0 == .max } == true)
    }

    @Test("sel priority, persist and lc and inactiveTimeOut validate and reach the datapath")
    func validation() throws {
        for (code, algorithm) in [(2, SelectionAlgorithm.priority), (3, .persist), (4, .leastConnections)] {
            var entry = Fixtures.entry(sel: code)
            entry.serviceArguments.inactiveTimeOut = 30
            let rule = try RuleValidator.validate(entry)
            #expect(rule.selection == algorithm)
            #expect(rule.inactiveTimeout == 30)
            #expect(rule.datapathService(id: 1).inactiveTimeout == 30)
        }
    }
}
