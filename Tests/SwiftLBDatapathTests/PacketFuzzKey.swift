/// The tuple of a conntrack key, read from the raw bytes of an `slb_ct_key` (swiftlb_abi.h: saddr[4], daddr[4],
/// sport, dport, proto, family, pad; addresses and ports in network order), which is how the fuzzer keeps keys: the
/// bytes are Hashable, the C struct is not.
struct PacketFuzzKey {
    /// 4 or 6.
    var family: Int
    var proto: UInt8
    var src: [UInt8]
    var dst: [UInt8]
    var sport: UInt16
    var dport: UInt16

    init(_ key: [UInt8]) {
        family = key[37] == 10 ? 6 : 4
        let length = family == 6 ? 16 : 4
        proto = key[36]
        src = Array(key[0..<length])
        dst = Array(key[16..<(16 + length)])
        sport = UInt16(key[32]) << 8 | UInt16(key[33])
        dport = UInt16(key[34]) << 8 | UInt16(key[35])
    }

    /// Whether `address` lies behind fx1 (the endpoints' subnets and the routed ones behind them), where the
    /// packets it sends arrive.
    static func isEndpointSide(_ address: [UInt8]) -> Bool {
        if address.count == 4 { return address[0] == 10 && address[1] == 10 && (address[2] == 2 || address[2] == 3) }
        return address.count == 16 && address[0..<5] == [0xfd, 0, 0, 0x10, 0] && (address[5] == 2 || address[5] == 3)
    }
}
