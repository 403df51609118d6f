import PacketTestSupport

/// IPv6 extension-header chains for the fuzzer: the headers the datapath walks (hop-by-hop, routing with and without
/// segments left, destination options), the fragment header it stops at, the ones it cannot see past (ESP, AH,
/// mobility, HIP, shim6, experimental), no-next-header and unknown values; chains longer than the walk's limit of
/// four, and headers whose length runs past the end of the packet.
struct PacketFuzzExtensions {
    var random: PacketFuzzRandom

    /// A chain: the value for the fixed header's Next Header, and the headers' bytes.
    struct Chain {
        var first: UInt8
        var bytes: [UInt8]
    }

    /// 1 to 8 headers whose last names `proto` as the next header.
    mutating func chain(endingWith proto: UInt8) -> Chain {
        let count = random.pick([1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 8])
        let types: [UInt8] = (0..<count).map { _ in headerType() }
        var bytes: [UInt8] = []
        for (index, type) in types.enumerated() {
            bytes += header(type, next: index + 1 < count ? types[index + 1] : proto)
        }
        return Chain(first: types[0], bytes: bytes)
    }

    private mutating func headerType() -> UInt8 {
        let types: [UInt8] = [0, 60, 43, 44, 50, 51, 135, 139, 140, 253, 254, 59]
        let choice = random.weighted([20, 20, 15, 10, 3, 3, 2, 2, 2, 2, 2, 3, 6])
        return choice < types.count ? types[choice] : random.byte()
    }

    /// One header of `type` naming `next`.
    private mutating func header(_ type: UInt8, next: UInt8) -> [UInt8] {
        switch type {
        case 44:
            // Offset and more-fragments at random: a first fragment, a later one, or an atomic fragment.
            let word = random.percent(50) ? UInt16(random.int(0...1)) : random.u16()
            return [next, 0] + be16(word) + be32(random.u32())
        case 43:
            let units = lengthUnits()
            let segmentsLeft: UInt8 = random.percent(70) ? 0 : random.byte()
            return [next, units, random.pick([0, 2, 3, 4]), segmentsLeft] + body(units: units, used: 4)
        case 50:  // ESP: SPI, sequence, then ciphertext; nothing says what follows
            return random.bytes(random.int(8...24))
        case 51:  // AH: its length counts 4-byte words minus 2
            return [next, 4, 0, 0] + random.bytes(20)
        default:
            let units = lengthUnits()
            return [next, units] + body(units: units, used: 2)
        }
    }

    /// Hdr Ext Len: mostly 0 to 3 (8 to 32 bytes); sometimes 255, claiming 2 KiB the packet does not have.
    private mutating func lengthUnits() -> UInt8 {
        random.percent(5) ? random.pick([255, 100, random.byte()]) : UInt8(random.int(0...3))
    }

    /// The rest of a header of `units` (its length is (units + 1) * 8 bytes), `used` bytes already written: a PadN
    /// option, zeros or noise; a header that claims more than 64 bytes gets fewer, so the chain runs past the end.
    private mutating func body(units: UInt8, used: Int) -> [UInt8] {
        let length = (Int(units) + 1) * 8 - used
        let present = length > 64 ? random.int(0...64) : length
        switch random.int(0...2) {
        case 0 where present >= 2: return [1, UInt8(present - 2)] + [UInt8](repeating: 0, count: present - 2)
        case 1: return [UInt8](repeating: 0, count: present)
        default: return random.bytes(present)
        }
    }
}
