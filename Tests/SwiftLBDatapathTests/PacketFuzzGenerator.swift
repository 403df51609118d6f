import PacketTestSupport

/// One fuzz input: the frame, the program and device it runs on, and how it was made (for the report).
struct PacketFuzzInput {
    enum Hook: String { case ingress, egress }

    var frame: [UInt8]
    var hook: Hook
    var ifindex: Int32
    /// The recipe and the mutations applied, e.g. "ipv6+ext > truncate@l4+8".
    var recipe: String
    /// False once a mutation touched the frame: only intact frames must keep valid checksums through a rewrite.
    var intact: Bool
}

/// Makes fuzz inputs, all from one seeded `PacketFuzzRandom`: valid-looking frames toward the fuzz services
/// (`PacketFuzzServices`) in every protocol and family, packets of flows the conntrack table holds, ICMP errors
/// quoting those flows or garbage, non-IP frames, and purely random bytes; half of the structured frames are then
/// mutated (`PacketFuzzMutator`).
struct PacketFuzzGenerator {
    var random: PacketFuzzRandom
    let clientSide: Int32
    let serverSide: Int32

    /// A frame with the side of the load balancer it arrives on.
    struct Sided {
        var built: PacketFuzzFrames.Built
        var fromEndpoint: Bool
    }

    /// The next input; `liveKeys` are the raw `slb_ct_key` bytes of the target's live conntrack entries.
    mutating func next(liveKeys: [[UInt8]]) -> PacketFuzzInput {
        let recipe: String
        let made: Sided
        switch random.weighted([24, 24, 16, 10, 5, 8]) {
        case 0: (recipe, made) = ("ipv4", ipv4Frame())
        case 1: (recipe, made) = ("ipv6", ipv6Frame())
        case 2 where !liveKeys.isEmpty: (recipe, made) = ("flow", flowFrame(random.pick(liveKeys)))
        case 2: (recipe, made) = ("ipv4", ipv4Frame())
        case 3: (recipe, made) = ("icmp-error", icmpErrorFrame(liveKeys.isEmpty ? nil : random.pick(liveKeys)))
        case 4: (recipe, made) = ("non-ip", nonIPFrame())
        default: return randomInput()
        }
        var input = PacketFuzzInput(
            frame: made.built.bytes, hook: .ingress, ifindex: made.fromEndpoint ? serverSide : clientSide,
            recipe: recipe, intact: true)
        if random.percent(50) {
            var mutator = PacketFuzzMutator(random: random)
            let applied = mutator.mutate(&input.frame, layout: made.built.layout)
            random = mutator.random
            input.recipe += " > " + applied.joined(separator: ", ")
            input.intact = false
        }
        placeOnAHook(&input)
        return input
    }

    /// Mostly where the frame's source sits; sometimes the egress program or another device, since both programs
    /// are attached to every interface.
    private mutating func placeOnAHook(_ input: inout PacketFuzzInput) {
        if random.percent(15) { input.hook = .egress }
        if random.percent(10) { input.ifindex = random.pick([clientSide, serverSide, 0]) }
    }

    /// Random bytes of a random length (0 to 1600): pure noise, or after an Ethernet header naming IPv4 or IPv6 so
    /// that the noise reaches the IP parsers.
    private mutating func randomInput() -> PacketFuzzInput {
        let count = random.percent(70) ? random.int(0...128) : random.int(0...1600)
        var bytes = random.bytes(count)
        var recipe = "random"
        if count >= 15 && random.percent(60) {
            let six = random.percent(50)
            bytes.replaceSubrange(0..<14, with: macs(fromEndpoint: false) + be16(six ? 0x86dd : 0x0800))
            if random.percent(50) { bytes[14] = six ? 0x60 | (bytes[14] & 0x0f) : 0x45 }
            recipe = six ? "random-ipv6" : "random-ipv4"
        }
        var input = PacketFuzzInput(frame: bytes, hook: .ingress, ifindex: clientSide, recipe: recipe, intact: false)
        placeOnAHook(&input)
        return input
    }

    // MARK: IPv4 and IPv6 toward the services

    private mutating func ipv4Frame() -> Sided {
        let (src, fromEndpoint) = source4()
        let dst = destination4()
        let proto = random.pick([6, 6, 6, 17, 17, 132, 132, 1, 1] + [random.byte()])
        let l4 = transport(proto: proto, sport: sourcePort(), dport: destinationPort()) {
            PacketFuzzFrames.pseudo4(src: src, dst: dst, proto: proto, length: $0)
        }
        let options = random.percent(15) ? ipv4Options() : []
        let ip = PacketFuzzFrames.ipv4Packet(
            src: src, dst: dst, proto: proto, payload: l4, options: options, ttl: ttl(),
            tos: random.percent(20) ? random.byte() : 0, fragment: fragmentWord(), id: random.u16())
        let frame = macs(fromEndpoint: fromEndpoint) + be16(PacketFuzzFrames.ipv4) + ip
        let layout = PacketFuzzFrames.Layout(l3: 14, l4: 14 + Int(ip[0] & 0x0f) * 4, family: 4)
        return Sided(built: .init(bytes: frame, layout: layout), fromEndpoint: fromEndpoint)
    }

    private mutating func ipv6Frame() -> Sided {
        let (src, fromEndpoint) = source6()
        let dst = destination6()
        let proto = random.pick([6, 6, 6, 17, 17, 132, 132, 58, 58] + [random.byte()])
        let l4 = transport(proto: proto, sport: sourcePort(), dport: destinationPort()) {
            Checksum6.pseudoHeader(src, dst, proto: proto, length: $0)
        }
        var chain = PacketFuzzExtensions.Chain(first: proto, bytes: [])
        if random.percent(30) {
            var extensions = PacketFuzzExtensions(random: random)
            chain = extensions.chain(endingWith: proto)
            random = extensions.random
        }
        let ip = PacketFuzzFrames.ipv6Packet(
            src: src, dst: dst, next: chain.first, payload: chain.bytes + l4, hopLimit: ttl(),
            trafficClass: random.percent(20) ? random.byte() : 0)
        let frame = macs(fromEndpoint: fromEndpoint) + be16(PacketFuzzFrames.ipv6) + ip
        let layout = PacketFuzzFrames.Layout(l3: 14, l4: 54 + chain.bytes.count, family: 6)
        return Sided(built: .init(bytes: frame, layout: layout), fromEndpoint: fromEndpoint)
    }

    /// A packet with the tuple of a live conntrack entry (`key`: raw `slb_ct_key` bytes): the forward or reply
    /// direction of a tracked flow, so that established paths (TCP and SCTP state, NAT46 replies, DSR forwarding)
    /// see random flags, lengths and mutations too.
    private mutating func flowFrame(_ key: [UInt8]) -> Sided {
        let tuple = PacketFuzzKey(key)
        let fromEndpoint = PacketFuzzKey.isEndpointSide(tuple.src)
        let l4 = transport(proto: tuple.proto, sport: tuple.sport, dport: tuple.dport) {
            tuple.family == 4
                ? PacketFuzzFrames.pseudo4(src: tuple.src, dst: tuple.dst, proto: tuple.proto, length: $0)
                : Checksum6.pseudoHeader(tuple.src, tuple.dst, proto: tuple.proto, length: $0)
        }
        let ip =
            tuple.family == 4
            ? PacketFuzzFrames.ipv4Packet(
                src: tuple.src, dst: tuple.dst, proto: tuple.proto, payload: l4, ttl: ttl(), fragment: fragmentWord())
            : PacketFuzzFrames.ipv6Packet(
                src: tuple.src, dst: tuple.dst, next: tuple.proto, payload: l4, hopLimit: ttl())
        let type = tuple.family == 4 ? PacketFuzzFrames.ipv4 : PacketFuzzFrames.ipv6
        let layout = PacketFuzzFrames.Layout(l3: 14, l4: tuple.family == 4 ? 34 : 54, family: tuple.family)
        let frame = macs(fromEndpoint: fromEndpoint) + be16(type) + ip
        return Sided(built: .init(bytes: frame, layout: layout), fromEndpoint: fromEndpoint)
    }

    // MARK: ICMP errors

    /// An ICMP or ICMPv6 error: about a live flow (quoting the packet the load balancer sent for it, as an endpoint
    /// or a router would) or about garbage (a random, truncated or malformed quote).
    private mutating func icmpErrorFrame(_ key: [UInt8]?) -> Sided {
        var quoteSource = PacketFuzzQuotes(random: random)
        let error = quoteSource.error(about: key.map(PacketFuzzKey.init))
        random = quoteSource.random
        let fromEndpoint = PacketFuzzKey.isEndpointSide(error.src)
        let ip: [UInt8]
        if error.family == 4 {
            ip = PacketFuzzFrames.ipv4Packet(
                src: error.src, dst: error.dst, proto: 1, payload: ICMP.withChecksum(error.message), fragment: 0)
        } else {
            let message = PacketFuzzFrames.checksummed(
                error.message, proto: 58,
                pseudo: Checksum6.pseudoHeader(error.src, error.dst, proto: 58, length: error.message.count))
            ip = PacketFuzzFrames.ipv6Packet(src: error.src, dst: error.dst, next: 58, payload: message)
        }
        let type = error.family == 4 ? PacketFuzzFrames.ipv4 : PacketFuzzFrames.ipv6
        let layout = PacketFuzzFrames.Layout(l3: 14, l4: error.family == 4 ? 34 : 54, family: error.family)
        let frame = macs(fromEndpoint: fromEndpoint) + be16(type) + ip
        return Sided(built: .init(bytes: frame, layout: layout), fromEndpoint: fromEndpoint)
    }

    // MARK: Frames that are not IP (or do not say so where the datapath looks)

    private mutating func nonIPFrame() -> Sided {
        let inner = random.percent(50) ? ipv4Frame() : ipv6Frame()
        let ip = Array(inner.built.bytes[12...])  // EtherType onwards
        let head = macs(fromEndpoint: inner.fromEndpoint)
        let frame: [UInt8]
        switch random.int(0...6) {
        case 0: frame = head + [0x81, 0x00] + be16(random.u16() & 0x0fff) + ip  // 802.1Q
        case 1: frame = head + [0x88, 0xa8] + be16(random.u16()) + [0x81, 0x00] + be16(random.u16()) + ip  // QinQ
        case 2: frame = head + [0x88, 0x47, 0, 0x01, 0x01, 64] + ip.dropFirst(2)  // MPLS, bottom of stack
        case 3:  // ARP request for the VIP
            frame =
                [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] + Fixture.clientMAC + [0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1]
                + Fixture.clientMAC + [10, 10, 1, 2] + [0, 0, 0, 0, 0, 0] + PacketFuzzServices.vip4
        case 4: frame = head + be16(UInt16(random.int(0...1500))) + random.bytes(random.int(0...100))  // 802.3 length
        case 5:  // The other family's EtherType on the packet
            frame = head + (ip[0] == 0x08 ? [0x86, 0xdd] : [0x08, 0x00]) + ip.dropFirst(2)
        default: frame = head + be16(random.u16()) + ip.dropFirst(2)
        }
        let layout = PacketFuzzFrames.Layout(l3: 14, l4: nil, family: 0)
        return Sided(built: .init(bytes: frame, layout: layout), fromEndpoint: inner.fromEndpoint)
    }
}
