/// Mutations of a built frame, aimed at the fields the datapath's parsers trust least: truncation at every header
/// boundary and at random, trailing bytes past the IP length, byte flips, IPv4 IHL / total length / fragment word /
/// version, IPv6 payload length / next header / version, TCP data offset and flags, UDP length. An IPv4 header
/// mutation keeps a valid header checksum half of the time, so that the datapath meets it both ways.
struct PacketFuzzMutator {
    var random: PacketFuzzRandom

    /// Applies one to three mutations to `frame` (laid out as `layout`); returns their names for the report.
    mutating func mutate(_ frame: inout [UInt8], layout: PacketFuzzFrames.Layout) -> [String] {
        (0..<random.pick([1, 1, 1, 2, 2, 3])).map { _ in mutateOnce(&frame, layout: layout) }
    }

    private mutating func mutateOnce(_ frame: inout [UInt8], layout: PacketFuzzFrames.Layout) -> String {
        let l3 = layout.l3
        switch random.weighted([20, 8, 8, 15, 8, 8, 6, 3, 8, 5, 3, 6, 4, 3]) {
        case 0: return truncateAtBoundary(&frame, layout: layout)
        case 1:
            let count = random.int(min(14, frame.count)...frame.count)
            frame = Array(frame.prefix(count))
            return "truncate@\(count)"
        case 2:
            frame += random.bytes(random.int(1...64))
            return "trailing-bytes"
        case 3: return flip(&frame, within: (layout.l4 ?? l3) + 40)
        case 4 where layout.family == 4:
            return ipv4Field(&frame, at: l3, "ihl") { ($0 & 0xf0) | UInt8($1.int(0...15)) }
        case 5 where layout.family == 4: return ipv4Length(&frame, at: l3 + 2)
        case 6 where layout.family == 4: return ipv4Fragment(&frame, at: l3 + 6)
        case 7 where layout.family == 4:
            return ipv4Field(&frame, at: l3, "version") { (UInt8($1.int(0...15)) << 4) | ($0 & 0x0f) }
        case 8 where layout.family == 6:
            return set16(&frame, at: l3 + 4, lengthNear(frame.count - l3 - 40), "ipv6-plen")
        case 9 where layout.family == 6: return set8(&frame, at: l3 + 6, random.byte(), "ipv6-next")
        case 10 where layout.family == 6: return set8(&frame, at: l3, UInt8(random.int(0...15)) << 4, "ipv6-version")
        case 11 where layout.l4 != nil:
            return set8(&frame, at: layout.l4! + 12, UInt8(random.int(0...15)) << 4, "tcp-doff")
        case 12 where layout.l4 != nil: return set8(&frame, at: layout.l4! + 13, random.byte(), "tcp-flags")
        case 13 where layout.l4 != nil: return set16(&frame, at: layout.l4! + 4, lengthNear(frame.count), "udp-length")
        default: return flip(&frame, within: frame.count)
        }
    }

    /// Cuts the frame at a header boundary (or one byte either side of it): where a parser that checks one length
    /// and not the next would read past the end.
    private mutating func truncateAtBoundary(_ frame: inout [UInt8], layout: PacketFuzzFrames.Layout) -> String {
        let l3 = layout.l3
        var cuts = [14, l3 + 1, l3 + 9, l3 + 19, l3 + 20, l3 + 21, l3 + 39, l3 + 40, l3 + 41]
        if let l4 = layout.l4 {
            cuts += [
                l4 - 1, l4, l4 + 1, l4 + 4, l4 + 7, l4 + 8, l4 + 12, l4 + 13, l4 + 16, l4 + 19, l4 + 20, l4 + 28,
                l4 + 48,
            ]
        }
        let count = min(random.pick(cuts), frame.count)
        frame = Array(frame.prefix(count))
        return "truncate@\(count)"
    }

    /// Changes 1 to 6 bytes among the first `within`: a random value or one flipped bit.
    private mutating func flip(_ frame: inout [UInt8], within: Int) -> String {
        let end = min(within, frame.count)
        guard end > 0 else { return "flip(none)" }
        for _ in 0..<random.int(1...6) {
            let index = random.int(0...(end - 1))
            frame[index] = random.percent(50) ? random.byte() : frame[index] ^ (1 << UInt8(random.int(0...7)))
        }
        return "flip"
    }

    /// A value near `actual` (off by one to four either way), zero, the maximum, or anything.
    private mutating func lengthNear(_ actual: Int) -> UInt16 {
        switch random.int(0...3) {
        case 0: return UInt16(truncatingIfNeeded: actual + random.pick([-4, -1, 1, 4]))
        case 1: return 0
        case 2: return 0xffff
        default: return random.u16()
        }
    }

    private mutating func ipv4Length(_ frame: inout [UInt8], at offset: Int) -> String {
        let name = set16(&frame, at: offset, lengthNear(frame.count - offset + 2), "ipv4-total-length")
        return keepChecksum(&frame, at: offset - 2, name)
    }

    private mutating func ipv4Fragment(_ frame: inout [UInt8], at offset: Int) -> String {
        let word = random.pick([0x2000, 0x0001, 0x3fff, 0x8000, random.u16()])
        return keepChecksum(&frame, at: offset - 6, set16(&frame, at: offset, UInt16(word), "ipv4-fragment"))
    }

    private mutating func ipv4Field(
        _ frame: inout [UInt8], at offset: Int, _ name: String,
        _ change: (UInt8, inout PacketFuzzRandom) -> UInt8
    ) -> String {
        guard offset < frame.count else { return "\(name)(cut)" }
        frame[offset] = change(frame[offset], &random)
        return keepChecksum(&frame, at: offset, "ipv4-" + name)
    }

    /// Half of the time, recomputes the IPv4 header checksum after a header mutation.
    private mutating func keepChecksum(_ frame: inout [UInt8], at l3: Int, _ name: String) -> String {
        guard random.percent(50) else { return name }
        PacketFuzzFrames.setIPv4Checksum(&frame, at: l3)
        return name + "+csum"
    }

    private func set8(_ frame: inout [UInt8], at offset: Int, _ value: UInt8, _ name: String) -> String {
        guard offset < frame.count else { return "\(name)(cut)" }
        frame[offset] = value
        return name
    }

    private func set16(_ frame: inout [UInt8], at offset: Int, _ value: UInt16, _ name: String) -> String {
        guard offset + 1 < frame.count else { return "\(name)(cut)" }
        frame[offset] = UInt8(value >> 8)
        frame[offset + 1] = UInt8(value & 0xff)
        return name
    }
}
