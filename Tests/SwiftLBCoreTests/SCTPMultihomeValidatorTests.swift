import Testing

@testable import SwiftLBCore

@Suite("SCTP multihoming validation")
struct SCTPMultihomeValidatorTests {
    @Test("sctp with secondaryIPs is accepted in default and fullnat, the VIPs carried to the datapath")
    func accepted() throws {
        for mode in [0, 2] {
            var entry = Fixtures.entry(proto: "sctp")
            entry.serviceArguments.mode = mode
            entry.secondaryIPs = [SecondaryIP(secondaryIP: "10.0.0.3"), SecondaryIP(secondaryIP: "10.0.0.2")]
            let rule = try RuleValidator.validate(entry)
            #expect(rule.secondaryVIPs == [IPAddress("10.0.0.2")!, IPAddress("10.0.0.3")!])
            #expect(rule.datapathService(id: 7).secondaryVIPs.count == 2)
        }
    }

    @Test("secondaryIPs on tcp keep their meaning (extra VIPs) in every L4 mode")
    func otherProtocols() throws {
        var entry = Fixtures.entry()
        entry.serviceArguments.mode = 1
        entry.secondaryIPs = [SecondaryIP(secondaryIP: "10.0.0.2")]
        #expect(try RuleValidator.validate(entry).secondaryVIPs == [IPAddress("10.0.0.2")!])
    }

    @Test("sctp in onearm without secondaryIPs is still accepted")
    func singleHomed() throws {
        var entry = Fixtures.entry(proto: "sctp")
        entry.serviceArguments.mode = 1
        #expect(try RuleValidator.validate(entry).secondaryVIPs.isEmpty)
    }
}
