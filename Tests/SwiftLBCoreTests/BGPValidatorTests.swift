import Testing

@testable import SwiftLBCore

@Suite("BGP configuration validation")
struct BGPValidatorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let field: String
        let says: String
        let global: BGPGlobalConfig?
        let neighbor: BGPNeighbor?
        var testDescription: String { name }
    }

    static let goodGlobal = BGPGlobalConfig(localAs: 65001, routerId: "10.0.0.1")
    static let goodNeighbor = BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65000)

    static func global(_ name: String, _ field: String, _ says: String, _ change: (inout BGPGlobalConfig) -> Void)
        -> Case
    {
        var config = goodGlobal
        change(&config)
        return Case(name: name, field: field, says: says, global: config, neighbor: nil)
    }

    static func neighbor(_ name: String, _ field: String, _ says: String, _ change: (inout BGPNeighbor) -> Void) -> Case
    {
        var config = goodNeighbor
        change(&config)
        return Case(name: name, field: field, says: says, global: nil, neighbor: config)
    }

    static let invalid: [Case] = [
        global("no AS", "localAs", "required") { $0.localAs = 0 },
        global("negative AS", "localAs", "out of range") { $0.localAs = -1 },
        global("AS above 32 bits", "localAs", "out of range") { $0.localAs = 4_294_967_296 },
        global("no router ID", "routerId", "required") { $0.routerId = "" },
        global("IPv6 router ID", "routerId", "not an IPv4 address") { $0.routerId = "2001:db8::1" },
        global("garbage router ID", "routerId", "not an IPv4 address") { $0.routerId = "router1" },
        global("router ID 0.0.0.0", "routerId", "cannot identify") { $0.routerId = "0.0.0.0" },
        global("multicast router ID", "routerId", "cannot identify") { $0.routerId = "224.0.0.5" },
        global("listen port 65536", "listenPort", "out of range") { $0.listenPort = 65536 },
        global("negative listen port", "listenPort", "out of range") { $0.listenPort = -179 },
        neighbor("no address", "ipAddress", "required") { $0.ipAddress = "" },
        neighbor("bad address", "ipAddress", "not an IPv4 or IPv6") { $0.ipAddress = "10.0.0" },
        neighbor("unspecified address", "ipAddress", "unspecified") { $0.ipAddress = "::" },
        neighbor("multicast address", "ipAddress", "multicast") { $0.ipAddress = "ff02::5" },
        neighbor("no remote AS", "remoteAs", "required") { $0.remoteAs = 0 },
        neighbor("remote AS too big", "remoteAs", "out of range") { $0.remoteAs = 1 << 40 },
        neighbor("remote port 0x10000", "remotePort", "out of range") { $0.remotePort = 65536 },
    ]

    @Test("each invalid field is refused with 400 naming it", arguments: invalid)
    func refuses(_ testCase: Case) {
        let error: APIError?
        do {
            if let global = testCase.global {
                _ = try BGPValidator.global(global)
            } else if let neighbor = testCase.neighbor {
                _ = try BGPValidator.neighbor(neighbor)
            }
            error = nil
        } catch let thrown {
            error = thrown
        }
        #expect(error?.status == 400)
        #expect(error?.fields == [testCase.field])
        #expect(error?.message.contains(testCase.says) == true, "message: \(error?.message ?? "none")")
    }

    @Test("defaults: port 0 means 179; 4-octet AS numbers and IPv6 neighbors are accepted")
    func defaults() throws(APIError) {
        let settings = try BGPValidator.global(BGPGlobalConfig(localAs: 4_200_000_000, routerId: "192.0.2.1"))
        #expect(settings == BGPSettings(asn: 4_200_000_000, routerID: .v4(0xC000_0201), listenPort: 179))
        #expect(settings.config == BGPGlobalConfig(localAs: 4_200_000_000, routerId: "192.0.2.1", listenPort: 179))
        let peer = try BGPValidator.neighbor(
            BGPNeighbor(ipAddress: "2001:db8::2", remoteAs: 65000, remotePort: 1179, setMultiHop: true))
        #expect(peer.address == IPAddress("2001:db8::2"))
        #expect(peer.port == 1179 && peer.multihop && peer.asn == 65000)
        #expect(try BGPValidator.neighbor(Self.goodNeighbor).port == 179)
    }

    @Test("loxilb JSON: Go-style keys, every field written back")
    func json() throws(APIError) {
        let global = try LoxiJSON.decode(
            BGPGlobalConfig.self,
            from: Fixtures.json(#"{"LocalAs":65001,"routerID":"10.0.0.1","listenPort":null,"SetNextHopSelf":true}"#))
        #expect(global == BGPGlobalConfig(localAs: 65001, routerId: "10.0.0.1", listenPort: 0, setNextHopSelf: true))
        #expect(
            String(decoding: LoxiJSON.encode(global), as: UTF8.self)
                == #"{"listenPort":0,"localAs":65001,"routerId":"10.0.0.1","setNextHopSelf":true}"#)
        let neighbor = try LoxiJSON.decode(
            BGPNeighbor.self, from: Fixtures.json(#"{"ipAddress":"10.0.0.2","remoteAs":65000,"unknown":1}"#))
        #expect(neighbor == Self.goodNeighbor)
        let list = BGPNeighborList(bgpNeiAttr: [
            BGPNeighborEntry(ipAddress: "10.0.0.2", remoteAs: 65000, state: "established", updowntime: "00:00:05")
        ])
        #expect(
            String(decoding: LoxiJSON.encode(list), as: UTF8.self)
                == #"{"bgpNeiAttr":[{"ipAddress":"10.0.0.2","remoteAs":65000,"state":"established","#
                + #""updowntime":"00:00:05"}]}"#)
        let wrongType = #"{"ipAddress":"10.0.0.2","remoteAs":"65000"}"#
        #expect(throws: APIError.self) { try LoxiJSON.decode(BGPNeighbor.self, from: Fixtures.json(wrongType)) }
    }

    @Test("a rule with bgp: true is accepted")
    func ruleWithBGP() throws(APIError) {
        var entry = Fixtures.entry()
        entry.serviceArguments.bgp = true
        let rule = try RuleValidator.validate(entry)
        #expect(rule.entry.serviceArguments.bgp)
    }

    @Test("updowntime is HH:MM:SS, hours unbounded")
    func duration() {
        #expect(BGPRuntimeStatus.duration(0) == "00:00:00")
        #expect(BGPRuntimeStatus.duration(3661) == "01:01:01")
        #expect(BGPRuntimeStatus.duration(100 * 3600 + 59) == "100:00:59")
        #expect(BGPRuntimeStatus.duration(-5) == "00:00:00")
    }
}
