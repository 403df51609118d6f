import Testing

@testable import SwiftLBCore

/// `IPAddress.parseV4` reads bytes; it must accept exactly what the Substring-based parser it
/// replaced accepted.
@Suite struct IPv4ParseTests {
    /// The earlier parser, kept as the reference.
    static func reference(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part == "0" || !part.hasPrefix("0"), let octet = UInt32(part), octet <= 255
            else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    @Test(arguments: [
        "1.2.3.4", "0.0.0.0", "255.255.255.255", "10.100.39.15", "256.1.1.1", "1.2.3.256", "01.2.3.4",
        "1.2.3.04", "1.2.3.00", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4 ", " 1.2.3.4",
        "1.2.3.1234", "1.2.3.-1", "1.2.3.+1", "١.2.3.4", "1.2.3.4\u{301}", "", "....", "999.0.0.0", "0.0.0.0000",
    ])
    func knownCases(text: String) {
        #expect(IPAddress.parseV4(text) == Self.reference(text))
    }

    @Test func generatedCases() {
        var random = SplitMix64(seed: 4)
        let alphabet = Array("0123456789.. a".utf8)
        var disagreements: [String] = []
        for _ in 0..<20000 {
            let count = Int(random.next() % 16)
            let bytes = (0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let text = String(decoding: bytes, as: UTF8.self)
            if IPAddress.parseV4(text) != Self.reference(text) { disagreements.append(text) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }
}
