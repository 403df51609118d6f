import PacketTestSupport

/// ICMP and ICMPv6 errors for the fuzzer. About a live flow, an error quotes the packet the load balancer sent for it
/// (the reverse of the flow's key: what an endpoint, or a router on the way, saw), so that the datapath's error
/// translation (icmp.h, icmp6_err.h, icmp46.h) runs; the quote is then often cut short or given options. About
/// nothing, the quote is noise, a header with random addresses, or the other family's header.
struct PacketFuzzQuotes {
    var random: PacketFuzzRandom

    /// An error message (ICMP header with a zero checksum, then the quote) and the outer addresses.
    struct Error {
        var family: Int
        var src: [UInt8]
        var dst: [UInt8]
        var message: [UInt8]
    }

    mutating func error(about flow: PacketFuzzKey?) -> Error {
        guard let flow, random.percent(70) else { return garbageError() }
        // The quoted packet went from the flow key's destination to its source; its sender is the reporter's peer.
        let quote =
            flow.family == 4
            ? quotedIPv4(src: flow.dst, dst: flow.src, proto: flow.proto, sport: flow.dport, dport: flow.sport)
            : quotedIPv6(src: flow.dst, dst: flow.src, proto: flow.proto, sport: flow.dport, dport: flow.sport)
        let reporter = random.percent(60) ? flow.src : random.bytes(flow.src.count)
        return Error(family: flow.family, src: reporter, dst: flow.dst, message: header(flow.family) + trimmed(quote))
    }

    /// An error about nothing the datapath tracks.
    private mutating func garbageError() -> Error {
        let six = random.percent(50)
        let length = six ? 16 : 4
        let quote: [UInt8]
        switch random.int(0...3) {
        case 0: quote = random.bytes(random.int(0...80))
        case 1:
            quote =
                six
                ? quotedIPv6(src: random.bytes(16), dst: random.bytes(16), proto: 6, sport: random.u16(), dport: 80)
                : quotedIPv4(src: random.bytes(4), dst: random.bytes(4), proto: 17, sport: random.u16(), dport: 80)
        case 2:  // The other family's header inside
            quote =
                six
                ? quotedIPv4(src: [10, 10, 1, 2], dst: PacketFuzzServices.vip4, proto: 6, sport: 40000, dport: 80)
                : quotedIPv6(src: Fixture.client6, dst: Fixture.vip6, proto: 6, sport: 40000, dport: 80)
        default: quote = []
        }
        let src =
            random.percent(50)
            ? random.pick(six ? PacketFuzzServices.endpoints6 : PacketFuzzServices.endpoints4)
            : random.bytes(length)
        let dst = six ? PacketFuzzServices.lbAddresses6[0] : PacketFuzzServices.lbAddresses4[0]
        return Error(family: six ? 6 : 4, src: src, dst: dst, message: header(six ? 6 : 4) + quote)
    }

    /// The ICMP header of an error: destination unreachable (every code), fragmentation needed / packet too big
    /// with an MTU, time exceeded, parameter problem, or another type; checksum zero.
    private mutating func header(_ family: Int) -> [UInt8] {
        let types: [UInt8] = family == 4 ? [3, 3, 3, 11, 12, 5, 4] : [1, 1, 2, 3, 4]
        let type = random.percent(90) ? random.pick(types) : random.byte()
        let code = random.percent(50) ? 0 : UInt8(random.int(0...16))
        let rest = random.pick([0, 1280, 1400, 1500, 68, random.u32()])
        return [type, code, 0, 0] + be32(rest)
    }

    /// A quoted IPv4 header (sometimes with options, a bad version or a short IHL) and 8 or more transport bytes.
    private mutating func quotedIPv4(src: [UInt8], dst: [UInt8], proto: UInt8, sport: UInt16, dport: UInt16)
        -> [UInt8]
    {
        let options: [UInt8] = random.percent(10) ? [1, 1, 1, 0] : []
        let l4 = be16(sport) + be16(dport) + be32(random.u32()) + random.bytes(random.pick([0, 0, 8, 12, 40]))
        var ip = PacketFuzzFrames.ipv4Packet(
            src: src, dst: dst, proto: proto, payload: l4, options: options, ttl: 63, id: random.u16())
        if random.percent(10) { ip.replaceSubrange(2...3, with: random.bytes(2)) }  // total length
        if random.percent(5) { ip[0] = random.byte() }  // version / IHL
        return ip
    }

    /// A quoted IPv6 header (sometimes followed by an extension header) and 8 or more transport bytes.
    private mutating func quotedIPv6(src: [UInt8], dst: [UInt8], proto: UInt8, sport: UInt16, dport: UInt16)
        -> [UInt8]
    {
        let l4 = be16(sport) + be16(dport) + be32(random.u32()) + random.bytes(random.pick([0, 0, 8, 12, 40]))
        let hopByHop = random.percent(10)
        let payload = hopByHop ? [proto, 0, 1, 4, 0, 0, 0, 0] + l4 : l4
        var ip = PacketFuzzFrames.ipv6Packet(src: src, dst: dst, next: hopByHop ? 0 : proto, payload: payload)
        if random.percent(10) { ip.replaceSubrange(4...5, with: random.bytes(2)) }  // payload length
        if random.percent(5) { ip[0] = random.byte() }  // version
        return ip
    }

    /// The quote, or (one time in four) its first bytes only: errors may quote less than the headers.
    private mutating func trimmed(_ quote: [UInt8]) -> [UInt8] {
        random.percent(25) ? Array(quote.prefix(random.int(0...quote.count))) : quote
    }
}
