import PacketTestSupport

/// Addresses, ports and header fields, weighted toward what the fuzz services match (so most packets reach the
/// datapath's deeper paths) with a share of values nothing matches or no sender should use.
extension PacketFuzzGenerator {
    /// The client (mostly), the allow-listed source, an endpoint, or an odd address; true when it sits on the
    /// endpoints' side of the load balancer.
    mutating func source4() -> ([UInt8], Bool) {
        switch random.weighted([60, 8, 12, 4, 8, 8]) {
        case 0: return ([10, 10, 1, 2], false)
        case 1: return (PacketFuzzServices.allowed4, false)
        case 2: return (random.pick(PacketFuzzServices.endpoints4), true)
        case 3: return (PacketFuzzServices.routed4, true)
        case 4: return (random.bytes(4), false)
        default:
            return (
                random.pick([[0, 0, 0, 0], [255, 255, 255, 255], [127, 0, 0, 1], PacketFuzzServices.vip4]), false
            )
        }
    }

    mutating func destination4() -> [UInt8] {
        switch random.weighted([70, 8, 6, 4, 8, 4]) {
        case 0: return PacketFuzzServices.vip4
        case 1: return random.pick(PacketFuzzServices.endpoints4)
        case 2: return random.pick(PacketFuzzServices.lbAddresses4)
        case 3: return [10, 10, 1, 2]
        case 4: return random.bytes(4)
        default: return random.pick([[224, 0, 0, 1], [255, 255, 255, 255], [0, 0, 0, 0]])
        }
    }

    mutating func source6() -> ([UInt8], Bool) {
        switch random.weighted([60, 8, 12, 4, 8, 8]) {
        case 0: return (Fixture.client6, false)
        case 1: return (PacketFuzzServices.allowed6, false)
        case 2: return (random.pick(PacketFuzzServices.endpoints6), true)
        case 3: return (PacketFuzzServices.routed6, true)
        case 4: return (random.bytes(16), false)
        default:
            return (random.pick(["::", "::1", "fe80::1", "ff02::1", "fd00:10:100::1"].map(Fixture.ip6)), false)
        }
    }

    mutating func destination6() -> [UInt8] {
        switch random.weighted([40, 30, 8, 6, 8, 8]) {
        case 0: return PacketFuzzServices.vip6
        case 1: return PacketFuzzServices.nat64VIP
        case 2: return random.pick(PacketFuzzServices.endpoints6)
        case 3: return random.pick(PacketFuzzServices.lbAddresses6)
        case 4: return random.bytes(16)
        default: return random.pick(["::", "::1", "fe80::1", "ff02::1", "fd00:10:1::2"].map(Fixture.ip6))
        }
    }

    /// A few client ports recur, so that later packets find the flows earlier ones opened.
    mutating func sourcePort() -> UInt16 {
        switch random.weighted([70, 20, 10]) {
        case 0: return 40000 + UInt16(random.int(0...15))
        case 1: return random.u16()
        default: return random.pick([0, 80, 8080, 65535])
        }
    }

    mutating func destinationPort() -> UInt16 {
        switch random.weighted([75, 15, 10]) {
        case 0: return random.pick(PacketFuzzServices.ports)
        case 1: return random.u16()
        default: return random.pick([0, 8080, 65535])
        }
    }

    /// Mostly 64; 0 and 1 reach the datapath's TTL handling.
    mutating func ttl() -> UInt8 { random.pick([64, 64, 64, 64, 64, 64, 64, 64, 1, 0, random.byte()]) }

    /// DF (mostly), nothing, or a fragment (more fragments, an offset, or both).
    mutating func fragmentWord() -> UInt16 {
        switch random.weighted([70, 15, 15]) {
        case 0: return 0x4000
        case 1: return 0
        default: return random.pick([0x2000, 0x0001, 0x2000 | random.u16() & 0x1fff, random.u16()])
        }
    }

    /// The MACs of a frame from the client toward fx0, or from an endpoint toward fx1; sometimes broadcast.
    func macs(fromEndpoint: Bool) -> [UInt8] {
        fromEndpoint ? Fixture.serverSideMAC + Fixture.endpointMAC(10) : Fixture.clientSideMAC + Fixture.clientMAC
    }

    /// 1 to 40 bytes of IPv4 options: well-formed ones (NOP, end, record route, timestamp, router alert) and
    /// malformed ones (length 0, 1, or past the header).
    mutating func ipv4Options() -> [UInt8] {
        var options: [UInt8] = []
        for _ in 0..<random.int(1...4) {
            switch random.int(0...6) {
            case 0: options += [1]
            case 1: options += [0]
            case 2: options += [7, 11, 4] + [UInt8](repeating: 0, count: 8)
            case 3: options += [68, 12, 5, 0] + random.bytes(8)
            case 4: options += [148, 4, 0, 0]
            case 5: options += [random.byte(), random.pick([0, 1, 2, 40, 255])]
            default: options += [random.byte(), random.byte()] + random.bytes(random.int(0...10))
            }
        }
        return Array(options.prefix(40))
    }

    /// Payload sizes: mostly small, some near and past the MTU (encapsulation and NAT46 growth must not fit).
    mutating func payload() -> [UInt8] {
        switch random.weighted([60, 25, 15]) {
        case 0: return random.bytes(random.int(0...32))
        case 1: return random.bytes(random.int(33...300))
        default: return random.bytes(random.int(1380...1540))
        }
    }

    /// A transport segment of `proto` (any number) with its checksum over `pseudo(length)` where it has one.
    mutating func transport(
        proto: UInt8, sport: UInt16, dport: UInt16, pseudo: (Int) -> [UInt8]
    ) -> [UInt8] {
        switch proto {
        case 6:
            let segment = PacketFuzzFrames.tcp(
                sport: sport, dport: dport, seq: random.u32(), ack: random.u32(), flags: tcpFlags(),
                options: random.percent(20) ? tcpOptions() : [], payload: payload())
            return PacketFuzzFrames.checksummed(segment, proto: 6, pseudo: pseudo(segment.count))
        case 17:
            let datagram = PacketFuzzFrames.udp(sport: sport, dport: dport, payload: payload())
            // A zero checksum is "none" over IPv4 and invalid over IPv6 (NAT64 cannot translate it).
            if random.percent(10) { return datagram }
            return PacketFuzzFrames.checksummed(datagram, proto: 17, pseudo: pseudo(datagram.count))
        case 132:
            return sctpPacket(sport: sport, dport: dport)
        case 1:
            return ICMP.withChecksum(icmp4Message(sport: sport, dport: dport))
        case 58:
            let message = icmp6Message(sport: sport, dport: dport)
            return PacketFuzzFrames.checksummed(message, proto: 58, pseudo: pseudo(message.count))
        default:
            return payload()
        }
    }

    mutating func tcpFlags() -> UInt8 {
        let common: [UInt8] = [
            TCPFlags.syn, TCPFlags.ack, TCPFlags.syn | TCPFlags.ack, TCPFlags.fin | TCPFlags.ack, TCPFlags.rst,
            TCPFlags.rst | TCPFlags.ack, TCPFlags.psh | TCPFlags.ack,
        ]
        let choice = random.weighted([30, 20, 8, 8, 6, 4, 8, 16])
        return choice < common.count ? common[choice] : random.byte()
    }

    /// TCP options: MSS, window scale, SACK permitted, timestamps, or malformed ones.
    mutating func tcpOptions() -> [UInt8] {
        switch random.int(0...5) {
        case 0: return [2, 4, 0x05, 0xb4]
        case 1: return [3, 3, 7]
        case 2: return [4, 2]
        case 3: return [8, 10] + random.bytes(8)
        case 4: return [random.byte(), random.pick([0, 1, 255])]
        default: return random.bytes(random.int(1...40))
        }
    }

    /// An SCTP packet whose first chunk is one the association state machine looks at (INIT, INIT ACK, COOKIE
    /// ECHO, SHUTDOWN, ABORT, DATA) or anything else; sometimes with a broken CRC32c or chunk length.
    mutating func sctpPacket(sport: UInt16, dport: UInt16) -> [UInt8] {
        let first: [UInt8]
        var tag = random.pick([0, 1, 0xA1B2_C3D4, random.u32()])
        switch random.weighted([30, 10, 20, 10, 5, 5, 20]) {
        case 0:
            first = SCTP.initChunk(tag: random.u32())
            tag = 0
        case 1: first = SCTP.initChunk(SCTP.initAck, tag: random.u32())
        case 2: first = SCTP.dataChunk(payload())
        case 3: first = SCTP.chunk(SCTP.cookieEcho, value: random.bytes(random.int(0...40)))
        case 4: first = SCTP.chunk(SCTP.shutdown, value: be32(random.u32()))
        case 5: first = SCTP.chunk(6, flags: random.byte() & 1, value: [])  // ABORT
        default: first = [random.byte(), random.byte()] + be16(random.u16()) + random.bytes(random.int(0...24))
        }
        let more = random.percent(10) ? SCTP.dataChunk(random.bytes(random.int(0...16))) : []
        var packet = SCTP.packet(sport: sport, dport: dport, tag: tag, chunks: first + more)
        if random.percent(10) { packet[8] ^= 0xff }
        return packet
    }

    /// An ICMPv4 message outside the error recipe: echo requests (answered for the VIP), replies, and other types
    /// with random bodies. `sport`/`dport` fill the identifier and sequence.
    mutating func icmp4Message(sport: UInt16, dport: UInt16) -> [UInt8] {
        let type = random.pick([8, 8, 8, 0, 3, 11, 5, 12, 13, random.byte()])
        let code = random.percent(80) ? 0 : random.byte()
        return [type, code, 0, 0] + be16(sport) + be16(dport) + payload()
    }

    /// An ICMPv6 message outside the error recipe: echo requests (answered for the VIPs), replies, neighbour
    /// discovery, errors with random bodies, other types.
    mutating func icmp6Message(sport: UInt16, dport: UInt16) -> [UInt8] {
        let type = random.pick([128, 128, 128, 129, 133, 135, 136, 1, 2, 3, 4, random.byte()])
        let code = random.percent(80) ? 0 : random.byte()
        return PacketFuzzFrames.icmp6(
            type: type, code: code, rest: UInt32(sport) << 16 | UInt32(dport), body: payload())
    }
}
