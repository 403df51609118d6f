import Dispatch
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// Ping (ICMP echo over a raw socket; the daemon runs as root) and UDP probes, on plain sockets.
///
/// Both wait with `poll` within the target's timeout, on a Dispatch worker thread so that no
/// Swift concurrency thread blocks. IPv4 only.
public enum DatagramProbe {
    /// Probes `target` (type ping or udp).
    public static func probe(_ target: ProbeTarget) async -> ProbeResult {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: target.type == .ping ? ping(target) : udp(target))
            }
        }
    }

    /// ICMP echo: up when a matching echo reply arrives from the host.
    static func ping(_ target: ProbeTarget) -> ProbeResult {
        guard let address = target.host.ipv4Octets else { return .failure(reason: "ping probes are IPv4 only") }
        let fd = socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP))
        guard fd >= 0 else { return .failure(reason: "raw ICMP socket: \(errnoText())") }
        defer { close(fd) }
        let identifier = UInt16.random(in: 1...UInt16.max)
        let sequence = UInt16.random(in: 1...UInt16.max)
        let packet = ICMPEcho.request(identifier: identifier, sequence: sequence, payload: Array("swiftlb".utf8))
        let start = ContinuousClock.now
        var destination = socketAddress(address, port: 0)
        let sent = packet.withUnsafeBytes { bytes in
            withUnsafePointer(to: &destination) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard sent == packet.count else { return .failure(reason: "sending the echo request: \(errnoText())") }
        let deadline = start + target.timeout
        var buffer = [UInt8](repeating: 0, count: 1500)
        // Every ICMP packet reaching the host arrives on a raw socket: skip those that are not our reply.
        for _ in 0..<64 {
            guard waitReadable(fd, until: deadline) else { return .failure(reason: "no echo reply within the timeout") }
            var source = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let count = buffer.withUnsafeMutableBytes { bytes in
                withUnsafeMutablePointer(to: &source) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, bytes.baseAddress, bytes.count, 0, $0, &length)
                    }
                }
            }
            guard count > 0 else { continue }
            let from = withUnsafeBytes(of: source.sin_addr.s_addr) { Array($0) }
            if from == address,
                ICMPEcho.isReply(Array(buffer[0..<count]), identifier: identifier, sequence: sequence)
            {
                return .success(delay: ContinuousClock.now - start)
            }
        }
        return .failure(reason: "no matching echo reply")
    }

    /// UDP: sends the request text, up on any reply (containing the expected text, if set); down on ICMP
    /// port unreachable (the connected socket reports ECONNREFUSED) or silence.
    static func udp(_ target: ProbeTarget) -> ProbeResult {
        guard let address = target.host.ipv4Octets else { return .failure(reason: "udp probes are IPv4 only") }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return .failure(reason: "udp socket: \(errnoText())") }
        defer { close(fd) }
        var destination = socketAddress(address, port: target.port)
        let connected = withUnsafePointer(to: &destination) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return .failure(reason: "udp connect: \(errnoText())") }
        let payload = Array(target.request.utf8)
        let start = ContinuousClock.now
        let sent = payload.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent >= 0 else { return .failure(reason: "udp send: \(errnoText())") }
        guard waitReadable(fd, until: start + target.timeout) else {
            return .failure(reason: "no udp reply within the timeout")
        }
        var buffer = [UInt8](repeating: 0, count: 2048)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            return .failure(reason: errno == ECONNREFUSED ? "port unreachable" : "udp receive: \(errnoText())")
        }
        let reply = String(decoding: buffer[0..<count], as: UTF8.self)
        guard target.response.isEmpty || reply.contains(target.response) else {
            return .failure(reason: "the reply does not contain \"\(target.response)\"")
        }
        return .success(delay: ContinuousClock.now - start)
    }

    static func socketAddress(_ octets: [UInt8], port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        withUnsafeMutableBytes(of: &address.sin_addr.s_addr) { $0.copyBytes(from: octets) }
        return address
    }

    static func waitReadable(_ fd: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            let millis = Int32(
                clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, millis)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return false }
        }
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

/// ICMP echo request and reply bytes (RFC 792).
public enum ICMPEcho {
    /// Type 8 code 0, the identifier, the sequence number and the payload, with the checksum filled in.
    public static func request(identifier: UInt16, sequence: UInt16, payload: [UInt8]) -> [UInt8] {
        var packet: [UInt8] =
            [
                8, 0, 0, 0, UInt8(identifier >> 8), UInt8(identifier & 0xff), UInt8(sequence >> 8),
                UInt8(sequence & 0xff),
            ] + payload
        let sum = checksum(packet)
        packet[2] = UInt8(sum >> 8)
        packet[3] = UInt8(sum & 0xff)
        return packet
    }

    /// Whether `datagram` (an IPv4 packet as a raw socket delivers it) is the echo reply to ours.
    public static func isReply(_ datagram: [UInt8], identifier: UInt16, sequence: UInt16) -> Bool {
        guard datagram.count >= 20 else { return false }
        let headerLength = Int(datagram[0] & 0x0f) * 4
        guard datagram.count >= headerLength + 8 else { return false }
        let icmp = Array(datagram[headerLength...])
        return icmp[0] == 0 && icmp[1] == 0 && UInt16(icmp[4]) << 8 | UInt16(icmp[5]) == identifier
            && UInt16(icmp[6]) << 8 | UInt16(icmp[7]) == sequence
    }

    /// The Internet checksum (ones' complement of the ones' complement sum of 16-bit words).
    public static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
