import SwiftLBCore
import Testing

@Suite("IPAddress")
struct IPAddressTests {
    @Test(
        "valid IPv4 parses and prints back",
        arguments: [
            ("0.0.0.0", UInt32(0)), ("10.0.0.1", 0x0a00_0001), ("255.255.255.255", 0xffff_ffff),
            ("192.168.1.254", 0xc0a8_01fe), ("1.2.3.4", 0x0102_0304),
        ])
    func validV4(text: String, value: UInt32) {
        let address = IPAddress(text)
        #expect(address == .v4(value))
        #expect(address?.description == text)
        #expect(address?.isV4 == true)
    }

    @Test(
        "invalid IPv4 and garbage are rejected",
        arguments: [
            "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1..2.3", "1.2.3.4 ", " 1.2.3.4",
            "1.2.3.-4", "+1.2.3.4", "a.b.c.d", "1.2.3.4/24", "1.2.3.４", "0x1.2.3.4", "1234.1.1.1", "localhost",
        ])
    func invalidV4(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test(
        "valid IPv6 parses and prints in RFC 5952 form",
        arguments: [
            ("::", "::"), ("::1", "::1"), ("2001:db8::1", "2001:db8::1"),
            ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"), ("fe80::", "fe80::"),
            ("::ffff:1.2.3.4", "::ffff:102:304"), ("0:0:0:0:0:ffff:1.2.3.4", "::ffff:102:304"),
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ])
    func validV6(text: String, formatted: String) {
        let address = IPAddress(text)
        #expect(address?.description == formatted)
        #expect(address?.isV4 == false)
        #expect(IPAddress(formatted) == address)
    }

    @Test(
        "invalid IPv6 is rejected",
        arguments: [
            ":", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "fe80::1%eth0", "g::1",
            "1.2.3.4::", "::1.2.3", "+1::", "-0::", "2001:db8::/32", "::1.2.3.4:5", "1:2:3:4:5:6:7:8::",
        ])
    func invalidV6(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("classification of special addresses")
    func classification() throws {
        let table: [(String, unspecified: Bool, multicast: Bool, broadcast: Bool, loopback: Bool)] = [
            ("0.0.0.0", true, false, false, false), ("224.0.0.1", false, true, false, false),
            ("239.255.255.255", false, true, false, false), ("255.255.255.255", false, false, true, false),
            ("127.0.0.1", false, false, false, true), ("127.255.0.9", false, false, false, true),
            ("10.0.0.1", false, false, false, false), ("223.255.255.255", false, false, false, false),
            ("::", true, false, false, false), ("::1", false, false, false, true),
            ("ff02::1", false, true, false, false),
            ("2001:db8::1", false, false, false, false),
        ]
        for row in table {
            let address = try #require(IPAddress(row.0))
            #expect(address.isUnspecified == row.unspecified, "\(row.0)")
            #expect(address.isMulticast == row.multicast, "\(row.0)")
            #expect(address.isBroadcast == row.broadcast, "\(row.0)")
            #expect(address.isLoopback == row.loopback, "\(row.0)")
        }
    }

    @Test("ordering puts IPv4 before IPv6 and compares numerically")
    func ordering() throws {
        let texts = ["2001:db8::1", "10.0.0.10", "::1", "10.0.0.9", "9.255.255.255"]
        let sorted = try texts.map { try #require(IPAddress($0)) }.sorted().map(\.description)
        #expect(sorted == ["9.255.255.255", "10.0.0.9", "10.0.0.10", "::1", "2001:db8::1"])
    }

    @Test("service keys print and parse back", arguments: ["10.0.0.1:80/tcp", "2001:db8::1:443/udp", "::1:1/sctp"])
    func serviceKeyText(text: String) throws {
        let key = try #require(ServiceKey(text: text))
        #expect(key.description == text)
    }

    @Test(
        "malformed service keys are rejected",
        arguments: [
            "10.0.0.1:80", "10.0.0.1/tcp", "10.0.0.1:99999/tcp",
            "10.0.0.1:80/gre", "x:80/tcp", "",
        ])
    func badServiceKeyText(text: String) {
        #expect(ServiceKey(text: text) == nil)
    }
}
