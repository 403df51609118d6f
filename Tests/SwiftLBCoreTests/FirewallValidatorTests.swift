import Testing

@testable import SwiftLBCore

@Suite("firewall validation")
struct FirewallValidatorTests {
    static func entry(_ rule: FirewallRuleArguments, _ opts: FirewallOptions = FirewallOptions(drop: true))
        -> FirewallEntry
    {
        FirewallEntry(ruleArguments: rule, opts: opts)
    }

    @Test("loxilb's defaults: empty prefixes are any of the other's family, ports 0/0 any, no action drop")
    func defaults() throws {
        let v4 = try FirewallValidator.rule(from: Self.entry(FirewallRuleArguments(sourceIP: "10.1.2.3/24"), .init()))
        #expect(v4.key.sourceIP == "10.1.2.0/24" && v4.key.destinationIP == "0.0.0.0/0")
        #expect(v4.sourcePorts == 0...65535 && v4.action == .drop && v4.isV4)
        let v6 = try FirewallValidator.rule(from: Self.entry(FirewallRuleArguments(destinationIP: "fd00::1/64")))
        #expect(v6.key.sourceIP == "::/0" && v6.key.destinationIP == "fd00::/64" && !v6.isV4)
        let none = try FirewallValidator.rule(from: Self.entry(FirewallRuleArguments()))
        #expect(none.key.sourceIP == "0.0.0.0/0")
        let ports = try FirewallValidator.rule(
            from: Self.entry(FirewallRuleArguments(minDestinationPort: 80, protocol: 6)))
        #expect(ports.destinationPorts == 80...80)
    }

    @Test("bad fields are 400s naming the field")
    func refusals() {
        let cases: [(FirewallEntry, String)] = [
            (Self.entry(FirewallRuleArguments(sourceIP: "10.0.0.300/8")), "ruleArguments.sourceIP"),
            (Self.entry(FirewallRuleArguments(sourceIP: "10.0.0.1")), "ruleArguments.sourceIP"),
            (
                Self.entry(FirewallRuleArguments(sourceIP: "10.0.0.0/8", destinationIP: "fd00::/8")),
                "ruleArguments.destinationIP"
            ),
            (Self.entry(FirewallRuleArguments(protocol: 256)), "ruleArguments.protocol"),
            (Self.entry(FirewallRuleArguments(preference: 70000)), "ruleArguments.preference"),
            (Self.entry(FirewallRuleArguments(minSourcePort: 70000, protocol: 6)), "ruleArguments.minSourcePort"),
            (
                Self.entry(FirewallRuleArguments(minDestinationPort: 90, maxDestinationPort: 80, protocol: 6)),
                "ruleArguments.maxDestinationPort"
            ),
            (Self.entry(FirewallRuleArguments(minDestinationPort: 80)), "ruleArguments.protocol"),
            (Self.entry(FirewallRuleArguments(portName: "a/b")), "ruleArguments.portName"),
            (Self.entry(FirewallRuleArguments(), FirewallOptions(drop: true, allow: true)), "opts"),
            (Self.entry(FirewallRuleArguments(), FirewallOptions(redirect: true)), "opts.redirectPortName"),
            (
                Self.entry(
                    FirewallRuleArguments(), FirewallOptions(drop: true, redirect: true, redirectPortName: "e1")),
                "opts"
            ),
            (Self.entry(FirewallRuleArguments(), FirewallOptions(doSnat: true)), "opts.toIP"),
            (Self.entry(FirewallRuleArguments(), FirewallOptions(doSnat: true, toIP: "2001:db8::1")), "opts.toIP"),
            (Self.entry(FirewallRuleArguments(), FirewallOptions(doSnat: true, toIP: "0.0.0.0")), "opts.toIP"),
            (
                Self.entry(
                    FirewallRuleArguments(destinationIP: "2001:db8:9::/48"),
                    FirewallOptions(doSnat: true, toIP: "ff02::1")),
                "opts.toIP"
            ),
            (
                Self.entry(FirewallRuleArguments(sourceIP: "2001:db8::/64"), FirewallOptions(doSnat: true, toIP: "::")),
                "opts.toIP"
            ),
            (
                Self.entry(
                    FirewallRuleArguments(sourceIP: "2001:db8::/64"), FirewallOptions(doSnat: true, toIP: "1.1.1.1")),
                "opts.toIP"
            ),
            (
                Self.entry(FirewallRuleArguments(), FirewallOptions(doSnat: true, toIP: "1.1.1.1", toPort: 70000)),
                "opts.toPort"
            ),
            (
                Self.entry(FirewallRuleArguments(), FirewallOptions(fwMark: 3, doSnat: true, toIP: "1.1.1.1")),
                "opts.fwMark"
            ),
            (Self.entry(FirewallRuleArguments(), FirewallOptions(drop: true, doSnat: true, toIP: "1.1.1.1")), "opts"),
            (Self.entry(FirewallRuleArguments(), FirewallOptions(allow: true, onDefault: true)), "opts.onDefault"),
            (Self.entry(FirewallRuleArguments(), FirewallOptions(drop: true, record: true)), "opts.record"),
            (Self.entry(FirewallRuleArguments(), FirewallOptions(drop: true, fwMark: -1)), "opts.fwMark"),
        ]
        for (entry, field) in cases {
            do {
                _ = try FirewallValidator.rule(from: entry)
                Issue.record("\(entry) was accepted")
            } catch {
                #expect(error.status == 400 && error.fields == [field], "\(entry): \(error.message)")
            }
        }
    }

    @Test("doSnat: the address, the first port and onDefault make the action; the entry reads back the same")
    func snatAction() throws {
        let entry = Self.entry(
            FirewallRuleArguments(sourceIP: "10.0.0.0/24"),
            FirewallOptions(doSnat: true, toIP: "192.0.2.7", toPort: 3030, onDefault: true))
        let rule = try FirewallValidator.rule(from: entry)
        #expect(rule.action == .snat(address: IPAddress("192.0.2.7")!, port: 3030, onDefault: true))
        #expect(rule.entry.opts.doSnat && rule.entry.opts.toIP == "192.0.2.7" && rule.entry.opts.toPort == 3030)
        #expect(rule.entry.opts.onDefault && !rule.entry.opts.drop && rule.entry.opts.fwMark == 0)
        let plain = try FirewallValidator.rule(
            from: Self.entry(FirewallRuleArguments(), FirewallOptions(doSnat: true, toIP: "192.0.2.7")))
        #expect(plain.action == .snat(address: IPAddress("192.0.2.7")!, port: 0, onDefault: false))
    }

    @Test("doSnat on an IPv6 rule takes an IPv6 toIP and reads back the same")
    func snatActionIPv6() throws {
        let entry = Self.entry(
            FirewallRuleArguments(sourceIP: "fd00:1::/64"),
            FirewallOptions(doSnat: true, toIP: "fd00:77::1", toPort: 4040))
        let rule = try FirewallValidator.rule(from: entry)
        #expect(!rule.isV4)
        #expect(rule.action == .snat(address: IPAddress("fd00:77::1")!, port: 4040, onDefault: false))
        #expect(rule.entry.opts.toIP == "fd00:77::1" && rule.entry.opts.toPort == 4040)
    }
}

@Suite("firewall tables (tuple-space search)")
struct FirewallTablesTests {
    static func rule(
        _ source: String = "", _ destination: String = "", dports: (Int, Int) = (0, 0), proto: Int = 0,
        preference: Int = 0, action: FirewallOptions = FirewallOptions(drop: true)
    ) throws -> FirewallRule {
        try FirewallValidator.rule(
            from: FirewallEntry(
                ruleArguments: FirewallRuleArguments(
                    sourceIP: source, destinationIP: destination, minDestinationPort: dports.0,
                    maxDestinationPort: dports.1, protocol: proto, preference: preference),
                opts: action))
    }

    @Test("port ranges are cut into aligned blocks that cover exactly the range")
    func blocks() {
        for range: ClosedRange<UInt16> in [0...65535, 80...80, 1024...65535, 1000...2000, 1...65534, 7...9] {
            var covered: [UInt16] = []
            for block in FirewallTables.blocks(range) {
                let size = 1 << (16 - Int(block.length))
                #expect(Int(block.value) % size == 0)
                covered += (0..<size).map { UInt16(Int(block.value) + $0) }
            }
            #expect(covered == Array(range), "\(range)")
        }
        #expect(FirewallTables.blocks(0...65535).count == 1)
        #expect(FirewallTables.blocks(1...65534).count <= 30)
    }

    @Test("rules sharing a mask share a tuple; the better preference owns a shared key; removal hands it back")
    func sharing() throws {
        var tables = FirewallTables()
        let low = try Self.rule("10.0.0.0/24", preference: 1)
        let high = try Self.rule("10.0.0.0/24", preference: 9, action: FirewallOptions(allow: true))
        let other = try Self.rule("10.0.1.0/24", preference: 5)
        let first = try tables.add(low, id: 1, ifindex: nil)
        #expect(first.upserts.count == 1 && first.tuples?.compactMap { $0 }.count == 1)
        let second = try tables.add(high, id: 2, ifindex: nil)
        #expect(second.upserts.values.map(\.ruleID) == [2] && second.tuples == nil)
        let third = try tables.add(other, id: 3, ifindex: nil)
        #expect(third.upserts.count == 1 && third.tuples == nil && tables.entryCount == 2)
        let removal = tables.remove(id: 2)
        #expect(removal.upserts.values.map(\.ruleID) == [1] && removal.removals.isEmpty)
        _ = tables.remove(id: 1)
        let last = tables.remove(id: 3)
        #expect(last.removals.count == 1 && last.tuples?.allSatisfy { $0 == nil } == true && tables.entryCount == 0)
    }

    @Test("more distinct masks than the datapath's bound is a 507 that changes nothing")
    func tupleLimit() throws {
        var tables = FirewallTables()
        var id: UInt32 = 1
        for source in 1...32 {
            _ = try tables.add(try Self.rule("10.0.0.0/\(source)"), id: id, ifindex: nil)
            id += 1
        }
        let before = tables.entryCount
        #expect(throws: APIError.self) { try tables.add(try Self.rule("fd00::/8"), id: id, ifindex: nil) }
        #expect(tables.entryCount == before)
    }
}

@Suite("firewall store")
struct FirewallStoreTests {
    @Test("add, list with counters, delete; a duplicate is 409; a failed store write changes nothing")
    func lifecycle() async throws {
        let persistence = InMemoryFirewallConfigStore()
        let datapath = InMemoryFirewallDatapath()
        let store = FirewallStore(persistence: persistence, datapath: datapath)
        let entry = FirewallEntry(
            ruleArguments: FirewallRuleArguments(sourceIP: "10.0.0.0/24", preference: 100),
            opts: FirewallOptions(drop: true))
        try await store.add(entry)
        await #expect(throws: APIError.self) { try await store.add(entry) }
        await datapath.count(id: 1, packets: 3, bytes: 180)
        let listed = await store.entries()
        #expect(listed.count == 1 && listed[0].opts.counter == "3:180" && listed[0].opts.drop)
        #expect(listed[0].ruleArguments.destinationIP == "0.0.0.0/0")
        #expect(await datapath.entries.count == 1)

        await persistence.setFailure(ConfigStoreError(operation: "save", reason: "disk full"))
        let second = FirewallEntry(ruleArguments: FirewallRuleArguments(sourceIP: "10.0.1.0/24"))
        await #expect(throws: APIError.self) { try await store.add(second) }
        let (rules, entries) = (await store.count, await datapath.entries.count)
        #expect(rules == 1 && entries == 1)
        await persistence.setFailure(nil)

        await #expect(throws: APIError.self) {
            try await store.delete(FirewallRuleArguments(sourceIP: "10.0.0.0/24"))  // preference differs
        }
        try await store.delete(FirewallRuleArguments(sourceIP: "10.0.0.1/24", preference: 100))
        let (left, installed) = (await store.count, await datapath.entries)
        #expect(left == 0 && installed.isEmpty)
        #expect(try await persistence.loadFirewall().isEmpty)
    }

    @Test("restore puts the stored rules back into the tables")
    func restore() async throws {
        let persistence = InMemoryFirewallConfigStore()
        let first = FirewallStore(persistence: persistence, datapath: InMemoryFirewallDatapath())
        for index in 0..<10 {
            try await first.add(
                FirewallEntry(
                    ruleArguments: FirewallRuleArguments(sourceIP: "10.0.\(index).0/24", protocol: 6),
                    opts: FirewallOptions(allow: true)))
        }
        let datapath = InMemoryFirewallDatapath()
        let second = FirewallStore(persistence: persistence, datapath: datapath)
        #expect(try await second.restore() == 10)
        #expect(await second.entries().map(\.ruleArguments) == first.entries().map(\.ruleArguments))
        #expect(await datapath.entries.count == 10)
    }

    @Test("a datapath failure is undone and reported")
    func datapathFailure() async throws {
        let persistence = InMemoryFirewallConfigStore()
        let datapath = InMemoryFirewallDatapath()
        let store = FirewallStore(persistence: persistence, datapath: datapath)
        await datapath.setFailure(DatapathError(.limit, "full"))
        do {
            try await store.add(FirewallEntry(ruleArguments: FirewallRuleArguments(sourceIP: "10.0.0.0/8")))
            Issue.record("accepted")
        } catch {
            #expect(error.status == 507)
        }
        let (left, stored) = (await store.count, try await persistence.loadFirewall())
        #expect(left == 0 && stored.isEmpty)
    }

    @Test("adds that arrive together share one write; each is answered; the same rule twice at once is one 409")
    func groupCommit() async throws {
        let persistence = InMemoryFirewallConfigStore()
        let datapath = InMemoryFirewallDatapath()
        let store = FirewallStore(persistence: persistence, datapath: datapath)
        let entries = (0..<100).map { index in
            FirewallEntry(ruleArguments: FirewallRuleArguments(sourceIP: "10.1.\(index).0/24"))
        }
        let duplicate = FirewallEntry(ruleArguments: FirewallRuleArguments(sourceIP: "10.9.0.0/16"))
        let statuses = await withTaskGroup(of: Int.self) { group in
            for entry in entries + [duplicate, duplicate] {
                group.addTask {
                    do throws(APIError) {
                        try await store.add(entry)
                        return 200
                    } catch {
                        return error.status
                    }
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 101 && statuses.filter { $0 == 409 }.count == 1)
        let (count, installed) = (await store.count, await datapath.entries.count)
        #expect(count == 101 && installed == 101)
        #expect(try await persistence.loadFirewall().count == 101)
        let writes = await persistence.writes
        #expect(writes < 101, "\(writes) writes for 101 rules posted together")
    }

    @Test("a failed write fails every add of its batch and leaves nothing")
    func failedBatch() async throws {
        let persistence = InMemoryFirewallConfigStore()
        let datapath = InMemoryFirewallDatapath()
        let store = FirewallStore(persistence: persistence, datapath: datapath)
        await persistence.setFailure(ConfigStoreError(operation: "save", reason: "disk full"))
        let statuses = await withTaskGroup(of: Int.self) { group in
            for index in 0..<20 {
                group.addTask {
                    do throws(APIError) {
                        try await store.add(
                            FirewallEntry(ruleArguments: FirewallRuleArguments(sourceIP: "10.2.\(index).0/24")))
                        return 200
                    } catch {
                        return error.status
                    }
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 500, count: 20))
        let (count, installed) = (await store.count, await datapath.entries.count)
        #expect(count == 0 && installed == 0)
        await persistence.setFailure(nil)
        try await store.add(FirewallEntry(ruleArguments: FirewallRuleArguments(sourceIP: "10.2.0.0/24")))
        #expect(await store.entries().count == 1)
    }
}
