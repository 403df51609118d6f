import Testing

@testable import SwiftLBCore

/// SRv6 in rules: `serviceArguments.srv6Sid` and `endpoints[i].srv6Segments` (validation, JSON, the datapath
/// service), and the encapsulation bytes the datapath copies (RFC 8754 SRH layout).
struct SRv6RuleTests {
    static func entry(
        vip: String = "2001:db8::1", mode: Int = 0, sid: String = "fc00:0:1::100",
        endpoints: [(String, [String])] = [("10.0.1.1", ["fc00:0:2::e", "fc00:0:2::d4"]), ("10.0.1.2", [])],
        targetPort: Int = 8080
    ) -> LoadBalancerEntry {
        LoadBalancerEntry(
            serviceArguments: ServiceArguments(
                externalIP: vip, port: 80, protocol: "tcp", sel: mode == 3 ? 1 : 0, mode: mode, srv6Sid: sid),
            endpoints: endpoints.map {
                LBEndpoint(endpointIP: $0.0, targetPort: targetPort, weight: 1, srv6Segments: $0.1)
            })
    }

    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }

    @Test("segments and the SID reach the datapath service; the stored entry echoes them normalized")
    func accepted() throws(APIError) {
        let rule = try RuleValidator.validate(
            Self.entry(sid: "FC00:0:1:0::100", endpoints: [("10.0.1.2", []), ("10.0.1.1", ["FC00:0:2::E"])]))
        let service = rule.datapathService(id: 3)
        #expect(service.srv6SID == Self.ip("fc00:0:1::100"))
        // Sorted by address: the segments follow their endpoint, not the list's position.
        #expect(service.endpoints.map(\.segments) == [[Self.ip("fc00:0:2::e")], []])
        #expect(rule.entry.serviceArguments.srv6Sid == "fc00:0:1::100")
        #expect(rule.entry.endpoints.first { $0.endpointIP == "10.0.1.1" }?.srv6Segments == ["fc00:0:2::e"])
    }

    @Test("a rule without SRv6 is unchanged and writes no SRv6 field")
    func absent() throws {
        let rule = try RuleValidator.validate(Self.entry(sid: "", endpoints: [("10.0.1.1", [])]))
        #expect(rule.datapathService(id: 1).srv6SID == nil)
        let text = String(decoding: LoxiJSON.encode(rule.entry), as: UTF8.self)
        #expect(!text.contains("srv6"))
        #expect(LoxiJSON.encodeEntry(rule.entry) == LoxiJSON.encode(rule.entry))
    }

    @Test("the fields survive JSON both ways, the shortcut reader and writer agreeing with Codable")
    func json() throws {
        let entry = try RuleValidator.validate(Self.entry()).entry
        let data = LoxiJSON.encode(entry)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""srv6Segments":["fc00:0:2::e","fc00:0:2::d4"]"#))
        #expect(text.contains(#""srv6Sid":"fc00:0:1::100""#))
        #expect(try LoxiJSON.decode(LoadBalancerEntry.self, from: data) == entry)
        #expect(LoxiJSON.plainEntry(data) == entry)
        #expect(LoxiJSON.encodeEntry(entry) == data)
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var entry: LoadBalancerEntry
        var field: String
        var says: String
        var description: String { field + ": " + says }
    }

    static let refusals: [Refusal] = [
        Refusal(entry: entry(sid: ""), field: "serviceArguments.srv6Sid", says: "required"),
        Refusal(
            entry: entry(endpoints: [("10.0.1.1", [])]), field: "serviceArguments.srv6Sid", says: "needs at least one"),
        Refusal(entry: entry(sid: "10.9.9.9"), field: "serviceArguments.srv6Sid", says: "not an IPv6 address"),
        Refusal(entry: entry(sid: "ff02::1"), field: "serviceArguments.srv6Sid", says: "multicast"),
        Refusal(
            entry: entry(endpoints: [("10.0.1.1", (1...7).map { "fc00::\($0)" })]),
            field: "endpoints[0].srv6Segments", says: "at most 6"),
        Refusal(
            entry: entry(endpoints: [("10.0.1.1", ["fc00::1", "bogus"])]), field: "endpoints[0].srv6Segments[1]",
            says: "not an IPv6 address"),
        Refusal(
            entry: entry(vip: "10.0.0.1", endpoints: [("10.0.1.1", ["fc00::1"])]), field: "endpoints[0].srv6Segments",
            says: "IPv6 VIP"),
        Refusal(
            entry: entry(mode: 3, endpoints: [("2001:db8:1::10", ["fc00::1"])], targetPort: 80),
            field: "endpoints[0].srv6Segments",
            says: "not supported with mode 3"),
    ]

    @Test("bad SRv6 input is a 400 naming the field", arguments: refusals)
    func refused(_ refusal: Refusal) {
        do {
            let rule = try RuleValidator.validate(refusal.entry)
            Issue.record("accepted \(rule)")
        } catch {
            #expect(error.status == 400)
            #expect(error.fields == [refusal.field])
            #expect(error.message.contains(refusal.says), "\(error.message)")
        }
    }

    @Test("H.Encaps: an outer header then an SRH with the segments in reverse order")
    func encapsBytes() {
        let sid = Self.ip("fc00::100")
        let segments = [Self.ip("fc00::a"), Self.ip("fc00::b"), Self.ip("fc00::c")]
        let encapsulation = SRv6Encapsulation(source: sid, segments: segments, innerIPv4: false)
        let bytes = encapsulation.bytes
        #expect(bytes.count == 40 + 8 + 48)
        #expect(Array(bytes[0..<8]) == [0x60, 0, 0, 0, 0, 0, 43, 64])
        #expect(Array(bytes[8..<24]) == Self.bytes("fc00::100") && Array(bytes[24..<40]) == Self.bytes("fc00::a"))
        // next header 41, length 6, type 4, segments left 2, last entry 2, flags, tag
        #expect(Array(bytes[40..<48]) == [41, 6, 4, 2, 2, 0, 0, 0])
        #expect(Array(bytes[48...]) == Self.bytes("fc00::c") + Self.bytes("fc00::b") + Self.bytes("fc00::a"))
        #expect(SRv6Encapsulation(bytes: bytes) == encapsulation)
    }

    @Test("H.Encaps.Red with one segment: no SRH, the inner protocol right after the outer header")
    func reducedBytes() {
        let encapsulation = SRv6Encapsulation(
            source: Self.ip("fc00::100"), segments: [Self.ip("fc00::d4")], innerIPv4: true)
        let bytes = encapsulation.bytes
        #expect(bytes.count == 40)
        #expect(bytes[6] == 4 && Array(bytes[24..<40]) == Self.bytes("fc00::d4"))
        #expect(SRv6Encapsulation(bytes: bytes) == encapsulation)
        #expect(SRv6Encapsulation(bytes: Array(bytes[0..<39])) == nil)
    }

    static func bytes(_ text: String) -> [UInt8] {
        guard case .v6(let bytes) = ip(text) else { return [] }
        return bytes
    }
}
