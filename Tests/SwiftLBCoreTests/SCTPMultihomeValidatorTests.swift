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

    @Test("an IPv6 sctp rule with IPv6 secondaryIPs and endpoints is accepted in default and fullnat")
    func acceptedOverIPv6() throws {
        for mode in [0, 2] {
            var entry = Fixtures.entry(proto: "sctp")
            entry.serviceArguments.mode = mode
            entry.serviceArguments.externalIP = "2001:db8::1"
            entry.endpoints[0].endpointIP = "2001:db8:1::1"
            entry.secondaryIPs = [SecondaryIP(secondaryIP: "2001:db8::3"), SecondaryIP(secondaryIP: "2001:db8::2")]
            let rule = try RuleValidator.validate(entry)
            #expect(rule.secondaryVIPs == [IPAddress("2001:db8::2")!, IPAddress("2001:db8::3")!])
            #expect(rule.datapathService(id: 7).secondaryVIPs.count == 2)
        }
    }

    @Test("an IPv6 sctp rule with secondaryIPs and an IPv4 endpoint (NAT64) is refused, naming the endpoint")
    func refusedOverNAT64() {
        var entry = Fixtures.entry(proto: "sctp")
        entry.serviceArguments.externalIP = "2001:db8::1"
        entry.endpoints = [
            LBEndpoint(endpointIP: "10.1.0.1", targetPort: 38412, weight: 1),
            LBEndpoint(endpointIP: "10.1.0.2", targetPort: 38412, weight: 1),
        ]
        entry.secondaryIPs = [SecondaryIP(secondaryIP: "2001:db8::2")]
        do {
            let rule = try RuleValidator.validate(entry)
            Issue.record("accepted \(rule)")
        } catch {
            #expect(error.status == 400)
            #expect(error.fields == ["endpoints[0].endpointIP"])
            #expect(error.message.contains("VIP's family"), "\(error.message)")
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
