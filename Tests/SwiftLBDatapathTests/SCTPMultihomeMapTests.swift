import SwiftLBABI
import SwiftLBCore
import Testing

@testable import SwiftLBDatapath

/// The VIP set the datapath reads for a multihomed SCTP service (slb_sctp_mh), built without a kernel.
@Suite struct SCTPMultihomeMapTests {
    func service(_ proto: L4Protocol, vip: String, secondary: [String]) -> DatapathService {
        DatapathService(
            id: 1, key: ServiceKey(vip: IPAddress(vip)!, port: 38412, proto: proto), selection: .roundRobin,
            mode: .dnat, endpoints: [], secondaryVIPs: secondary.map { IPAddress($0)! })
    }

    func words(_ value: slb_sctp_mh) -> [UInt32] {
        var copy = value.vip
        return withUnsafeBytes(of: &copy) { raw in (0..<5).map { raw.load(fromByteOffset: 4 * $0, as: UInt32.self) } }
    }

    @Test("the primary VIP first, then the secondary ones, in network order")
    func vipSet() throws {
        let value = try #require(slb_sctp_mh(service(.sctp, vip: "10.0.0.1", secondary: ["10.0.0.2", "10.0.0.3"])))
        #expect(value.count == 3)
        #expect(words(value) == [0x0a00_0001, 0x0a00_0002, 0x0a00_0003, 0, 0].map { UInt32($0).bigEndian })
    }

    @Test("no entry for a single-homed, non-SCTP or IPv6 service")
    func noEntry() {
        #expect(slb_sctp_mh(service(.sctp, vip: "10.0.0.1", secondary: [])) == nil)
        #expect(slb_sctp_mh(service(.tcp, vip: "10.0.0.1", secondary: ["10.0.0.2"])) == nil)
        #expect(slb_sctp_mh(service(.sctp, vip: "2001:db8::1", secondary: ["2001:db8::2"])) == nil)
        #expect(slb_sctp_mh6(service(.sctp, vip: "10.0.0.1", secondary: ["10.0.0.2"])) == nil)
        #expect(slb_sctp_mh6(service(.sctp, vip: "2001:db8::1", secondary: [])) == nil)
        #expect(slb_sctp_mh6(service(.udp, vip: "2001:db8::1", secondary: ["2001:db8::2"])) == nil)
    }

    @Test("an IPv6 service's VIP set: the primary first, 16 bytes each, in network order")
    func vipSet6() throws {
        let value = try #require(
            slb_sctp_mh6(service(.sctp, vip: "2001:db8::1", secondary: ["2001:db8::2", "2001:db8::a"])))
        #expect(value.count == 3)
        var copy = value.vip
        let bytes = withUnsafeBytes(of: &copy) { Array($0) }
        let prefix: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11)
        #expect(bytes.count == 80)
        #expect(Array(bytes[0..<16]) == prefix + [1])
        #expect(Array(bytes[16..<32]) == prefix + [2])
        #expect(Array(bytes[32..<48]) == prefix + [0x0a])
        #expect(bytes[48...].allSatisfy { $0 == 0 })
    }
}
