import SwiftLBCore
import Testing

@testable import SwiftLBHA

@Suite("Takeover announcements: gratuitous ARP and unsolicited NA")
struct AnnouncerTests {
    static let mac: [UInt8] = [0x02, 0, 0, 0, 0, 0x01]

    @Test("IPv4: a broadcast ARP request whose sender and target address are the VIP (RFC 5227 announcement)")
    func arp() {
        let frame = Announcer.frame(announcing: .v4(0x0a00_6401), from: Self.mac)
        #expect(frame.count == 42)
        #expect(Array(frame[0..<14]) == [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] + Self.mac + [0x08, 0x06])
        #expect(Array(frame[14..<22]) == [0, 1, 0x08, 0x00, 6, 4, 0, 1])
        #expect(Array(frame[22..<28]) == Self.mac)
        #expect(Array(frame[28..<32]) == [10, 0, 100, 1])
        #expect(Array(frame[32..<38]) == [0, 0, 0, 0, 0, 0])
        #expect(Array(frame[38..<42]) == [10, 0, 100, 1])
    }

    @Test("IPv6: an NA to ff02::1 with Override, hop limit 255, the MAC as option, and a checksum that verifies")
    func neighborAdvertisement() {
        let vip: [UInt8] = [0xfd, 0] + [UInt8](repeating: 0, count: 13) + [1]
        let frame = Announcer.frame(announcing: .v6(vip), from: Self.mac)
        #expect(Array(frame[0..<14]) == [0x33, 0x33, 0, 0, 0, 1] + Self.mac + [0x86, 0xdd])
        let ipv6 = Array(frame[14..<54])
        #expect(ipv6[6] == 58 && ipv6[7] == 255)
        #expect(Array(ipv6[8..<24]) == vip)
        let icmp = Array(frame[54...])
        #expect(icmp.count == 32 && icmp[0] == 136 && icmp[4] == 0x20)
        #expect(Array(icmp[8..<24]) == vip)
        #expect(Array(icmp[24..<32]) == [2, 1] + Self.mac)
        // Summing the message with its checksum in place gives 0 (RFC 1071).
        #expect(Announcer.icmpv6Checksum(source: vip, destination: Array(ipv6[24..<40]), payload: icmp) == 0)
    }

    @Test("never on loopback, and an unknown interface is an error")
    func refusals() async {
        #expect(throws: Announcer.SendError.self) { try Announcer.announce(.v4(1), on: "lo") }
        #expect(throws: Announcer.SendError.self) { try Announcer.announce(.v4(1), on: "slbnosuch0") }
    }
}
