import Testing

@testable import SwiftLBCore

/// One invalid request and the error it must produce.
struct ValidationCase: Sendable, CustomTestStringConvertible {
    var label: String
    var entry: LoadBalancerEntry
    var status: Int
    var field: String
    /// Text the message must contain.
    var says: String

    var testDescription: String { label }

    init(
        _ label: String, status: Int = 400, field: String, says: String,
        _ change: (inout LoadBalancerEntry) -> Void
    ) {
        var entry = Fixtures.entry()
        change(&entry)
        self.label = label
        self.entry = entry
        self.status = status
        self.field = field
        self.says = says
    }
}

@Suite("RuleValidator")
struct RuleValidatorTests {
    static let args = "serviceArguments"

    static let invalid: [ValidationCase] = [
        // externalIP
        .init("missing externalIP", field: "\(args).externalIP", says: "required") {
            $0.serviceArguments.externalIP = ""
        },
        .init("garbage externalIP", field: "\(args).externalIP", says: "not an IP") {
            $0.serviceArguments.externalIP = "10.0.0"
        },
        .init("link-local IPv6 externalIP", field: "\(args).externalIP", says: "link-local") {
            $0.serviceArguments.externalIP = "fe80::1"
        },
        .init("multicast IPv6 externalIP", field: "\(args).externalIP", says: "multicast") {
            $0.serviceArguments.externalIP = "ff02::1"
        },
        .init("loopback IPv6 externalIP", field: "\(args).externalIP", says: "loopback") {
            $0.serviceArguments.externalIP = "::1"
        },
        .init("unspecified IPv6 externalIP", field: "\(args).externalIP", says: "unspecified") {
            $0.serviceArguments.externalIP = "::"
        },
        .init("unspecified externalIP", field: "\(args).externalIP", says: "unspecified") {
            $0.serviceArguments.externalIP = "0.0.0.0"
        },
        .init("multicast externalIP", field: "\(args).externalIP", says: "multicast") {
            $0.serviceArguments.externalIP = "224.0.0.5"
        },
        .init("broadcast externalIP", field: "\(args).externalIP", says: "broadcast") {
            $0.serviceArguments.externalIP = "255.255.255.255"
        },
        .init("loopback externalIP", field: "\(args).externalIP", says: "loopback") {
            $0.serviceArguments.externalIP = "127.0.0.1"
        },
        // port and portMax
        .init("port 0", field: "\(args).port", says: "1 to 65535") { $0.serviceArguments.port = 0 },
        .init("port 65536", field: "\(args).port", says: "out of range") { $0.serviceArguments.port = 65536 },
        .init("negative port", field: "\(args).port", says: "out of range") { $0.serviceArguments.port = -1 },
        .init("port range too wide", field: "\(args).portMax", says: "at most 4096") {
            $0.serviceArguments.port = 1000
            $0.serviceArguments.portMax = 5096
        },
        .init("portMax 65536", field: "\(args).portMax", says: "at most 65535") {
            $0.serviceArguments.portMax = 65536
        },
        .init("portMax below port", field: "\(args).portMax", says: "must be above port 80") {
            $0.serviceArguments.portMax = 79
        },
        // protocol
        .init("ICMP with a port", field: "\(args).port", says: "icmp rules have no port") {
            $0.serviceArguments.protocol = "ICMP"
        },
        .init("icmp with a port range", field: "\(args).portMax", says: "no port range") {
            $0.serviceArguments.protocol = "icmp"
            $0.serviceArguments.port = 0
            $0.serviceArguments.portMax = 5
        },
        .init("unknown protocol", field: "\(args).protocol", says: "tcp, udp, sctp, icmp") {
            $0.serviceArguments.protocol = "gre"
        },
        .init("empty protocol", field: "\(args).protocol", says: "not a protocol") {
            $0.serviceArguments.protocol = ""
        },
        // sel
        .init("sel n2", field: "\(args).sel", says: "not supported yet") { $0.serviceArguments.sel = 5 },
        .init("sel n3 over tcp", field: "\(args).sel", says: "needs protocol udp") { $0.serviceArguments.sel = 6 },
        .init("sel 7", field: "\(args).sel", says: "not an algorithm") { $0.serviceArguments.sel = 7 },
        .init("sel -1", field: "\(args).sel", says: "not an algorithm") { $0.serviceArguments.sel = -1 },
        // mode
        .init("mode dsr with rr", field: "\(args).sel", says: "mode dsr requires sel 1 (hash)") {
            $0.serviceArguments.mode = 3
        },
        .init("mode dsr with another target port", field: "endpoints[0].targetPort", says: "dsr cannot change the port")
        {
            $0.serviceArguments.mode = 3
            $0.serviceArguments.sel = 1
        },
        .init(
            "mode dsr from an IPv6 VIP to IPv4 endpoints", field: "endpoints[0].endpointIP",
            says: "between address families"
        ) {
            $0.serviceArguments.externalIP = "2001:db8::1"
            $0.serviceArguments.mode = 3
            $0.serviceArguments.sel = 1
            $0.endpoints[0].targetPort = 80
        },
        .init("mode fullproxy over udp", field: "\(args).protocol", says: "proxies TCP only") {
            $0.serviceArguments.mode = 4
            $0.serviceArguments.protocol = "udp"
        },
        .init("mode hostonearm", field: "\(args).mode", says: "hostonearm is not supported: it translates") {
            $0.serviceArguments.mode = 5
        },
        .init("mode 6", field: "\(args).mode", says: "not a NAT mode") { $0.serviceArguments.mode = 6 },
        // features not built yet
        .init("secondaryIP garbage", field: "secondaryIPs[0].secondaryIP", says: "not an IP") {
            $0.secondaryIPs = [SecondaryIP(secondaryIP: "10.0.0")]
        },
        .init("secondaryIP of the other family", field: "secondaryIPs[1].secondaryIP", says: "same family") {
            $0.secondaryIPs = [SecondaryIP(secondaryIP: "10.0.0.2"), SecondaryIP(secondaryIP: "2001:db8::2")]
        },
        .init("secondaryIP equal to the VIP", field: "secondaryIPs[0].secondaryIP", says: "repeats the VIP") {
            $0.secondaryIPs = [SecondaryIP(secondaryIP: "10.0.0.1")]
        },
        .init("secondaryIP multicast", field: "secondaryIPs[0].secondaryIP", says: "multicast") {
            $0.secondaryIPs = [SecondaryIP(secondaryIP: "224.0.0.9")]
        },
        .init("five secondaryIPs", field: "secondaryIPs", says: "at most 4") {
            $0.secondaryIPs = (2...6).map { SecondaryIP(secondaryIP: "10.0.0.\($0)") }
        },
        .init("sctp multihoming in onearm", field: "\(args).mode", says: "SCTP multihoming") {
            $0.serviceArguments.protocol = "sctp"
            $0.serviceArguments.mode = 1
            $0.secondaryIPs = [SecondaryIP(secondaryIP: "10.0.0.2")]
        },
        .init("sctp multihoming in dsr", field: "\(args).mode", says: "needs mode 0 (default) or 2") {
            $0.serviceArguments.protocol = "sctp"
            $0.serviceArguments.mode = 3
            $0.serviceArguments.sel = 1
            $0.endpoints[0].targetPort = 80
            $0.secondaryIPs = [SecondaryIP(secondaryIP: "10.0.0.2")]
        },
        .init("sctp multihoming over NAT64", field: "endpoints[0].endpointIP", says: "endpoints of the VIP's family") {
            $0.serviceArguments.protocol = "sctp"
            $0.serviceArguments.externalIP = "2001:db8::1"
            $0.secondaryIPs = [SecondaryIP(secondaryIP: "2001:db8::2")]
        },
        .init(
            "sctp multihoming with an IPv4 secondary on an IPv6 VIP", field: "secondaryIPs[0].secondaryIP",
            says: "same family"
        ) {
            $0.serviceArguments.protocol = "sctp"
            $0.serviceArguments.externalIP = "2001:db8::1"
            $0.endpoints[0].endpointIP = "2001:db8:1::1"
            $0.secondaryIPs = [SecondaryIP(secondaryIP: "10.0.0.2")]
        },
        .init("sctp multihoming over IPv6 in onearm", field: "\(args).mode", says: "needs mode 0 (default) or 2") {
            $0.serviceArguments.protocol = "sctp"
            $0.serviceArguments.mode = 1
            $0.serviceArguments.externalIP = "2001:db8::1"
            $0.endpoints[0].endpointIP = "2001:db8:1::1"
            $0.secondaryIPs = [SecondaryIP(secondaryIP: "2001:db8::2")]
        },
        .init("sctp multihoming with a source pool", field: "\(args).snatSources", says: "omit snatSources") {
            $0.serviceArguments.protocol = "sctp"
            $0.serviceArguments.mode = 2
            $0.serviceArguments.snatSources = "10.9.0.1/32"
            $0.secondaryIPs = [SecondaryIP(secondaryIP: "10.0.0.2")]
        },
        .init("allowedSources bad prefix length", field: "allowedSources[0].prefix", says: "not a prefix") {
            $0.allowedSources = [AllowedSource(prefix: "10.0.0.0/33")]
        },
        .init("allowedSources garbage", field: "allowedSources[1].prefix", says: "CIDR notation") {
            $0.allowedSources = [AllowedSource(prefix: "10.0.0.0/8"), AllowedSource(prefix: "ten/8")]
        },
        .init("65 allowedSources", field: "allowedSources", says: "at most 64") {
            $0.allowedSources = (0...64).map { AllowedSource(prefix: "10.0.\($0).0/24") }
        },
        .init("snat", field: "\(args).snat", says: "not supported yet") { $0.serviceArguments.snat = true },
        .init("security https without fullproxy", field: "\(args).security", says: "needs mode 4 (fullproxy)") {
            $0.serviceArguments.security = 1
        },
        .init("security e2ehttps without fullproxy", field: "\(args).security", says: "needs mode 4") {
            $0.serviceArguments.security = 2
        },
        .init("security 9", field: "\(args).security", says: "invalid") { $0.serviceArguments.security = 9 },
        .init("host without fullproxy", field: "\(args).host", says: "needs mode 4 (fullproxy)") {
            $0.serviceArguments.host = "example.com"
        },
        .init("proxyprotocolv2 without fullproxy", field: "\(args).proxyprotocolv2", says: "needs mode 4") {
            $0.serviceArguments.proxyprotocolv2 = true
        },
        .init("fullproxy host with a space", field: "\(args).host", says: "not a host name") {
            $0.serviceArguments.mode = 4
            $0.serviceArguments.host = "exa mple.com"
        },
        .init("egress", field: "\(args).egress", says: "not supported yet") { $0.serviceArguments.egress = true },
        .init("block", field: "\(args).block", says: "not supported yet") { $0.serviceArguments.block = 5 },
        .init("privateIP", field: "\(args).privateIP", says: "not supported yet") {
            $0.serviceArguments.privateIP = "192.168.0.1"
        },
        .init("negative inactiveTimeOut", field: "\(args).inactiveTimeOut", says: "out of range") {
            $0.serviceArguments.inactiveTimeOut = -1
        },
        .init("inactiveTimeOut above 32 bits", field: "\(args).inactiveTimeOut", says: "out of range") {
            $0.serviceArguments.inactiveTimeOut = 1 << 32
        },
        .init("oper 3", field: "\(args).oper", says: "not an operation") { $0.serviceArguments.oper = 3 },
        .init("probetype smtp", field: "\(args).probetype", says: "is not a probe type") {
            $0.serviceArguments.probetype = "smtp"
        },
        // name
        .init("name too long", field: "\(args).name", says: "at most 128") {
            $0.serviceArguments.name = String(repeating: "n", count: 129)
        },
        .init("name with newline", field: "\(args).name", says: "unprintable") { $0.serviceArguments.name = "a\nb" },
        .init("name with NUL", field: "\(args).name", says: "unprintable") { $0.serviceArguments.name = "a\u{0}" },
        // endpoints
        .init("no endpoints", field: "endpoints", says: "at least one") { $0.endpoints = [] },
        .init("endpoint garbage IP", field: "endpoints[0].endpointIP", says: "not an IP") {
            $0.endpoints[0].endpointIP = "host.local"
        },
        .init(
            "IPv6 endpoint of an IPv4 VIP (NAT46)", field: "endpoints[0].endpointIP", says: "(NAT46) are not supported"
        ) {
            $0.endpoints[0].endpointIP = "2001:db8::5"
        },
        .init("endpoints of both families", field: "endpoints[1].endpointIP", says: "mixes address families") {
            $0.serviceArguments.externalIP = "2001:db8::1"
            $0.endpoints.append(LBEndpoint(endpointIP: "2001:db8:1::5", targetPort: 80, weight: 1))
        },
        .init("link-local IPv6 endpoint", field: "endpoints[0].endpointIP", says: "link-local") {
            $0.serviceArguments.externalIP = "2001:db8::1"
            $0.endpoints[0].endpointIP = "fe80::5"
        },
        .init("endpoint 0.0.0.0", field: "endpoints[1].endpointIP", says: "unspecified") {
            $0.endpoints.append(LBEndpoint(endpointIP: "0.0.0.0", targetPort: 80, weight: 1))
        },
        .init("endpoint multicast", field: "endpoints[0].endpointIP", says: "multicast") {
            $0.endpoints[0].endpointIP = "239.1.1.1"
        },
        .init("endpoint broadcast", field: "endpoints[0].endpointIP", says: "broadcast") {
            $0.endpoints[0].endpointIP = "255.255.255.255"
        },
        .init("endpoint port 65536", field: "endpoints[0].targetPort", says: "out of range") {
            $0.endpoints[0].targetPort = 65536
        },
        .init("endpoint port -1", field: "endpoints[0].targetPort", says: "out of range") {
            $0.endpoints[0].targetPort = -1
        },
        .init("weight 65536", field: "endpoints[0].weight", says: "out of range") { $0.endpoints[0].weight = 65536 },
        // loxicmd decodes weight as a uint8: 256 broke every `loxicmd get lb` for every user.
        .init("weight 256", field: "endpoints[0].weight", says: "use 1 to 255") { $0.endpoints[0].weight = 256 },
        .init("negative weight", field: "endpoints[0].weight", says: "out of range") { $0.endpoints[0].weight = -2 },
        .init("duplicate endpoint", field: "endpoints[1]", says: "listed twice") {
            $0.endpoints.append(LBEndpoint(endpointIP: "10.0.1.1", targetPort: 8080, weight: 5))
        },
        .init("duplicate via port 0", field: "endpoints[1]", says: "listed twice") {
            $0.endpoints = [
                LBEndpoint(endpointIP: "10.0.1.1", targetPort: 80), LBEndpoint(endpointIP: "10.0.1.1", targetPort: 0),
            ]
        },
        .init("1,025 endpoints", field: "endpoints", says: "limit of 1024") {
            $0.endpoints = (0..<1025).map {
                LBEndpoint(endpointIP: "10.2.\($0 / 256).\($0 % 256 + 1)", targetPort: 80, weight: 1)
            }
        },
    ]

    @Test("each invalid field is refused with its status and field name", arguments: invalid)
    func refuses(_ testCase: ValidationCase) {
        do {
            let rule = try RuleValidator.validate(testCase.entry)
            Issue.record("accepted \(rule)")
        } catch {
            #expect(error.status == testCase.status)
            #expect(error.fields == [testCase.field])
            #expect(error.message.contains(testCase.says), "\(error.message)")
        }
    }

    @Test("a minimal rule validates into the domain value")
    func minimal() throws(APIError) {
        let rule = try RuleValidator.validate(Fixtures.entry(name: "web"))
        #expect(rule.key == Fixtures.key("10.0.0.1", 80))
        #expect(rule.name == "web")
        #expect(rule.selection == .roundRobin)
        #expect(rule.mode == .dnat)
        #expect(rule.endpoints == [DatapathEndpoint(address: Fixtures.ip4("10.0.1.1"), port: 8080, weight: 1)])
        #expect(rule.managed == false)
        #expect(rule.inactiveTimeout == 0)
        #expect(rule.datapathService(id: 4) == Fixtures.service(4, "10.0.0.1", 80))
    }

    @Test("sel n3 (6) is accepted for udp and carried to the datapath")
    func n3OverUDPAccepted() throws(APIError) {
        var entry = Fixtures.entry(name: "n3")
        entry.serviceArguments.sel = 6
        entry.serviceArguments.protocol = "udp"
        let rule = try RuleValidator.validate(entry)
        #expect(rule.selection == .n3)
        #expect(rule.datapathService(id: 4).selection == .n3)
    }

    @Test("NAT modes onearm (1) and fullnat (2) are accepted and carried to the datapath")
    func oneArmAndFullNATAccepted() throws(APIError) {
        for (code, mode) in [(1, NATMode.oneArm), (2, NATMode.fullNAT)] {
            var entry = Fixtures.entry(name: "web")
            entry.serviceArguments.mode = code
            let rule = try RuleValidator.validate(entry)
            #expect(rule.mode == mode)
            #expect(rule.datapathService(id: 4).mode == mode)
        }
    }

    @Test("NAT66 (IPv6 VIP, IPv6 endpoints) and NAT64 (IPv6 VIP, IPv4 endpoints) in modes 0, 1 and 2")
    func ipv6ServicesAccepted() throws(APIError) {
        for endpoint in ["2001:db8:1::10", "10.0.1.1"] {
            for (code, mode) in [(0, NATMode.dnat), (1, NATMode.oneArm), (2, NATMode.fullNAT)] {
                var entry = Fixtures.entry("2001:DB8::1", endpoints: [(endpoint, 8080, 1)])
                entry.serviceArguments.mode = code
                let rule = try RuleValidator.validate(entry)
                #expect(rule.key == ServiceKey(vip: IPAddress("2001:db8::1")!, port: 80, proto: .tcp))
                #expect(rule.mode == mode)
                #expect(rule.endpoints.map(\.address) == [IPAddress(endpoint)!])
                #expect(rule.entry.endpoints.first?.endpointIP == endpoint)
            }
        }
    }

    @Test("mode dsr (3) is accepted with sel hash and an unchanged port, and carried to the datapath")
    func dsrAccepted() throws(APIError) {
        var entry = Fixtures.entry(sel: 1, name: "web")
        entry.serviceArguments.mode = 3
        entry.endpoints = [LBEndpoint(endpointIP: "10.0.1.1", targetPort: 0, weight: 1)]
        let rule = try RuleValidator.validate(entry)
        #expect(rule.mode == .dsr)
        #expect(rule.endpoints == [DatapathEndpoint(address: Fixtures.ip4("10.0.1.1"), port: 80, weight: 1)])
        #expect(rule.datapathService(id: 4).mode == .dsr)
    }

    @Test("mode dsr is accepted for an IPv6 VIP with IPv6 endpoints, for tcp, udp and sctp")
    func dsr6Accepted() throws(APIError) {
        for proto in ["tcp", "udp", "sctp"] {
            var entry = Fixtures.entry("2001:db8::1", proto: proto, sel: 1, endpoints: [("2001:db8:1::10", 0, 1)])
            entry.serviceArguments.mode = 3
            let rule = try RuleValidator.validate(entry)
            #expect(rule.mode == .dsr)
            #expect(rule.endpoints == [DatapathEndpoint(address: IPAddress("2001:db8:1::10")!, port: 80, weight: 1)])
        }
    }

    @Test("every probe type is accepted for IPv4 and IPv6 endpoints")
    func probeFamilies() throws {
        for (vip, endpoint) in [("10.0.0.1", "10.0.1.1"), ("2001:db8::1", "2001:db8:1::1")] {
            for type in ["sctp", "udp", "ping", "tcp", ""] {
                var entry = Fixtures.entry(vip, proto: "sctp", endpoints: [(endpoint, 80, 1)])
                entry.serviceArguments.monitor = true
                entry.serviceArguments.probetype = type
                let rule = try RuleValidator.validate(entry)
                #expect(rule.entry.serviceArguments.monitor)
                #expect(rule.key.proto == .sctp)
            }
        }
    }

    @Test("sctp and icmp rules are accepted; icmp carries port 0")
    func sctpAndICMPAccepted() throws(APIError) {
        let sctp = try RuleValidator.validate(Fixtures.entry(proto: "SCTP"))
        #expect(sctp.key == ServiceKey(vip: Fixtures.ip4("10.0.0.1"), port: 80, proto: .sctp))
        var icmp = Fixtures.entry(proto: "icmp")
        icmp.serviceArguments.port = 0
        let rule = try RuleValidator.validate(icmp)
        #expect(rule.key == ServiceKey(vip: Fixtures.ip4("10.0.0.1"), port: 0, proto: .icmp))
        #expect(rule.entry.serviceArguments.protocol == "icmp")
    }

    @Test("accepted variants: udp, hash, portMax == port, probetype none, loopback endpoint, 32 endpoints")
    func acceptedVariants() throws(APIError) {
        var entry = Fixtures.entry(proto: "UDP", sel: 1)
        entry.serviceArguments.portMax = 80
        entry.serviceArguments.probetype = "None"
        entry.serviceArguments.probeport = 8080
        entry.serviceArguments.managed = true
        entry.endpoints = (1...32).map { LBEndpoint(endpointIP: "10.0.2.\($0)", targetPort: 80, weight: 1) }
        entry.endpoints[0].endpointIP = "127.0.0.2"
        let rule = try RuleValidator.validate(entry)
        #expect(rule.key == Fixtures.key("10.0.0.1", 80, .udp))
        #expect(rule.selection == .hash)
        #expect(rule.managed)
        #expect(rule.endpoints.count == 32)
        #expect(rule.entry.serviceArguments.protocol == "udp")
    }

    @Test("endpoints are resolved, sorted and stripped of read-only fields")
    func normalization() throws(APIError) {
        var entry = Fixtures.entry(
            port: 443, proto: "Tcp",
            endpoints: [("10.0.1.10", 0, 0), ("10.0.1.9", 8443, 3), ("10.0.1.9", 443, 2)])
        entry.endpoints[0].state = "down"
        entry.endpoints[0].counter = "99:99"
        let rule = try RuleValidator.validate(entry)
        #expect(
            rule.endpoints == [
                DatapathEndpoint(address: Fixtures.ip4("10.0.1.9"), port: 443, weight: 2),
                DatapathEndpoint(address: Fixtures.ip4("10.0.1.9"), port: 8443, weight: 3),
                DatapathEndpoint(address: Fixtures.ip4("10.0.1.10"), port: 443, weight: 1),
            ])
        #expect(
            rule.entry.endpoints == [
                LBEndpoint(endpointIP: "10.0.1.9", targetPort: 443, weight: 2),
                LBEndpoint(endpointIP: "10.0.1.9", targetPort: 8443, weight: 3),
                LBEndpoint(endpointIP: "10.0.1.10", targetPort: 443, weight: 1),
            ])
        #expect(rule.entry.serviceArguments.protocol == "tcp")
        // Normalizing is idempotent, so a restored rule equals the one that was stored.
        #expect(try RuleValidator.validate(rule.entry) == rule)
    }

    @Test("the endpoint limit can be lowered for tests")
    func smallerLimit() {
        let entry = Fixtures.entry(endpoints: [("10.0.1.1", 80, 1), ("10.0.1.2", 80, 1)])
        let expected = APIError.badRequest(
            field: "endpoints",
            message: "2 endpoints exceed the limit of 1 per service; split the endpoints over several services or "
                + "remove some")
        #expect(throws: expected) { try RuleValidator.validate(entry, maxEndpoints: 1) }
    }

    /// 1,024 endpoints (10.1.0.0 ... 10.1.3.255).
    static func endpoints(_ count: Int) -> [(String, Int, Int)] {
        (0..<count).map { ("10.1.\($0 / 256).\($0 % 256)", 8080, 1) }
    }

    @Test("a rule takes 1,024 endpoints; 1,025 is a 400 naming the limit")
    func thousandTwentyFourEndpoints() throws {
        let rule = try RuleValidator.validate(Fixtures.entry(endpoints: Self.endpoints(1024)))
        #expect(rule.endpoints.count == 1024)
        do {
            _ = try RuleValidator.validate(Fixtures.entry(endpoints: Self.endpoints(1025)))
            Issue.record("1,025 endpoints were accepted")
        } catch {
            #expect(error.status == 400)
            #expect(error.message.contains("1025 endpoints exceed the limit of 1024 per service"))
        }
    }
}
