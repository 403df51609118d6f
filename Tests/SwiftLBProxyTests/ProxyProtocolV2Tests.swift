import SwiftLBCore
import Testing

@testable import SwiftLBProxy

/// The PROXY protocol v2 header against bytes worked out by hand from HAProxy's specification.
@Suite struct ProxyProtocolV2Tests {
    @Test func tcp4HeaderIsByteExact() throws {
        let source = try #require(IPAddress("192.0.2.1"))
        let destination = try #require(IPAddress("198.51.100.7"))
        let header = ProxyProtocolV2.header(
            source: source, sourcePort: 56324, destination: destination, destinationPort: 443)
        let expected: [UInt8] = [
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,  // signature
            0x21,  // version 2, PROXY
            0x11,  // AF_INET, STREAM
            0x00, 0x0C,  // 12 address bytes follow
            0xC0, 0x00, 0x02, 0x01,  // 192.0.2.1
            0xC6, 0x33, 0x64, 0x07,  // 198.51.100.7
            0xDC, 0x04,  // 56324
            0x01, 0xBB,  // 443
        ]
        #expect(header == expected)
    }

    @Test func tcp6HeaderIsByteExact() throws {
        let source = try #require(IPAddress("2001:db8::1"))
        let destination = try #require(IPAddress("2001:db8::ff:2"))
        let header = ProxyProtocolV2.header(
            source: source, sourcePort: 1, destination: destination, destinationPort: 65535)
        var expected: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
        expected += [0x21, 0x21, 0x00, 0x24]  // PROXY, AF_INET6 STREAM, 36 address bytes
        expected += [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [0x01]
        expected += [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 9) + [0xFF, 0x00, 0x02]
        expected += [0x00, 0x01, 0xFF, 0xFF]
        #expect(header == expected)
        #expect(header.count == 16 + 36)
    }

    @Test func mixedFamiliesSayUnspecWithoutAddresses() throws {
        let source = try #require(IPAddress("10.0.0.1"))
        let destination = try #require(IPAddress("2001:db8::1"))
        let header = ProxyProtocolV2.header(source: source, sourcePort: 1, destination: destination, destinationPort: 2)
        // signature, PROXY, AF_UNSPEC, no address block
        #expect(header == ProxyProtocolV2.signature + [0x21, 0x00, 0x00, 0x00])
    }
}
