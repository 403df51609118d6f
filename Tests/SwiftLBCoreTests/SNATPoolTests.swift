import Testing

@testable import SwiftLBCore

@Suite("SNATPool")
struct SNATPoolTests {
    static let field = "--fullnat-source"

    @Test(
        arguments: [
            ("10.9.0.7", 0x0a09_0007, 1, "10.9.0.7"),
            ("10.9.0.0/28", 0x0a09_0000, 16, "10.9.0.0/28"),
            ("10.9.0.5/28", 0x0a09_0000, 16, "10.9.0.0/28"),  // any address of the prefix names it
            ("10.9.0.1-10.9.0.8", 0x0a09_0001, 8, "10.9.0.1-10.9.0.8"),
            ("10.9.0.16-10.9.0.31", 0x0a09_0010, 16, "10.9.0.16/28"),  // a range that is a prefix prints as one
            (" 10.9.0.9 ", 0x0a09_0009, 1, "10.9.0.9"),
            ("10.9.0.0/16", 0x0a09_0000, 65_536, "10.9.0.0/16"),
            ("10.9.255.255-10.10.0.1", 0x0a09_ffff, 3, "10.9.255.255-10.10.0.1"),
        ] as [(String, UInt32, UInt32, String)])
    func parses(text: String, first: UInt32, count: UInt32, canonical: String) throws {
        let pool = try SNATPool(parsing: text, field: Self.field)
        #expect(pool.first == first && pool.count == count)
        #expect(pool.description == canonical)
        #expect(try SNATPool(parsing: pool.description, field: Self.field) == pool)
    }

    @Test(arguments: [
        ("", "is not an IPv4 pool"),
        ("10.9.0", "is not an IPv4 pool"),
        ("2001:db8::1", "is not an IPv4 pool"),
        ("10.9.0.0/15", "use /16 or longer"),
        ("10.9.0.0/33", "is not an IPv4 pool"),
        ("10.9.0.8-10.9.0.1", "ends before it starts"),
        ("10.0.0.0-10.1.0.0", "more than 65536"),
        ("10.9.0.1-", "is not an IPv4 pool"),
        ("0.0.0.0/30", "the unspecified address"),
        ("127.0.0.1", "loopback"),
        ("224.0.0.1-224.0.0.4", "multicast"),
        ("255.255.255.254-255.255.255.255", "broadcast"),
    ])
    func refuses(text: String, says: String) {
        #expect {
            try SNATPool(parsing: text, field: Self.field)
        } throws: { error in
            let message = (error as? SNATPoolError)?.description ?? ""
            return message.contains(says) && message.contains(Self.field)
        }
    }

    @Test func boundsOfTheMemberwiseInitializer() {
        #expect(SNATPool(first: 1, count: 0) == nil)
        #expect(SNATPool(first: 1, count: SNATPool.maxCount + 1) == nil)
        #expect(SNATPool(first: 0xffff_fff0, count: 17) == nil)
        #expect(SNATPool(first: 0xffff_fff0, count: 16)?.last == 0xffff_ffff)
    }

    @Test func aRuleTakesItsPoolAndEchoesItCanonically() throws {
        var entry = Fixtures.entry()
        entry.serviceArguments.mode = NATMode.fullNAT.rawValue
        entry.serviceArguments.snatSources = "10.9.0.3/30"
        let rule = try RuleValidator.validate(entry)
        #expect(rule.sourcePool == SNATPool(first: 0x0a09_0000, count: 4))
        #expect(rule.entry.serviceArguments.snatSources == "10.9.0.0/30")
        #expect(rule.datapathService(id: 1).sourcePool == rule.sourcePool)
        entry.serviceArguments.snatSources = ""
        #expect(try RuleValidator.validate(entry).sourcePool == nil)
    }

    @Test(arguments: [
        (NATMode.dnat, "10.0.0.1", "10.9.0.1", "applies to modes fullnat"),
        (NATMode.dsr, "10.0.0.1", "10.9.0.1", "applies to modes fullnat"),
        (NATMode.fullNAT, "2001:db8::1", "10.9.0.1", "IPv4 only"),
        (NATMode.oneArm, "10.0.0.1", "10.9.0.0/8", "use /16 or longer"),
    ])
    func aRulesPoolIsRefusedWhereItCannotApply(mode: NATMode, vip: String, pool: String, says: String) {
        var entry = Fixtures.entry(vip, endpoints: [(vip.contains(":") ? "2001:db8::10" : "10.0.1.1", 0, 1)])
        entry.serviceArguments.mode = mode.rawValue
        if mode == .dsr { entry.serviceArguments.sel = SelectionAlgorithm.hash.rawValue }
        entry.serviceArguments.snatSources = pool
        #expect {
            try RuleValidator.validate(entry)
        } throws: { error in
            guard let error = error as? APIError else { return false }
            return error.status == 400 && error.fields == ["serviceArguments.snatSources"]
                && error.message.contains(says)
        }
    }
}

/// `--onearm-source`: the floating address an HA pair's onearm flows leave from.
struct OnearmSourceTests {
    @Test(
        "onearm IPv4 rules without snatSources leave from --onearm-source; own pools, other modes and IPv6 keep theirs")
    func defaultPool() async throws {
        let datapath = InMemoryDatapath()
        let store = RuleStore(
            config: InMemoryConfigStore(), datapath: datapath, logger: Fixtures.logger, capacity: .defaults)
        let floating = try SNATPool(parsing: "10.9.2.1", field: "--onearm-source")
        await store.useOnearmSource(floating)
        var onearm = Fixtures.entry("10.0.0.1")
        onearm.serviceArguments.mode = NATMode.oneArm.rawValue
        var own = Fixtures.entry("10.0.0.2")
        own.serviceArguments.mode = NATMode.oneArm.rawValue
        own.serviceArguments.snatSources = "10.9.3.1"
        var fullnat = Fixtures.entry("10.0.0.3")
        fullnat.serviceArguments.mode = NATMode.fullNAT.rawValue
        var onearm6 = Fixtures.entry("2001:db8::1", endpoints: [("2001:db8::10", 80, 1)])
        onearm6.serviceArguments.mode = NATMode.oneArm.rawValue
        for entry in [onearm, own, fullnat, onearm6] { try await store.create(entry) }
        let pools = Dictionary(
            uniqueKeysWithValues: try await datapath.programmedServices().map {
                ($0.key.vip.description, $0.sourcePool)
            })
        #expect(pools["10.0.0.1"] == floating)
        #expect(pools["10.0.0.2"] == (try SNATPool(parsing: "10.9.3.1", field: "x")))
        #expect(pools["10.0.0.3"] == .some(nil))
        #expect(pools["2001:db8::1"] == .some(nil))
        // The stored rule is unchanged: the default is the daemon's, not the rule's.
        #expect(
            await store.list().first { $0.serviceArguments.externalIP == "10.0.0.1" }?.serviceArguments.snatSources
                == "")
    }
}
