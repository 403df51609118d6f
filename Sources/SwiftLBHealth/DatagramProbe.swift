import Dispatch
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// Ping (ICMP or ICMPv6 echo over a raw socket; the daemon runs as root) and UDP probes, on plain
/// sockets of the target's family.
///
/// Both wait with `poll` within the target's timeout, on a Dispatch worker thread so that no
/// Swift concurrency thread blocks.
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
        guard let destination = ProbeSocketAddress(target.host, port: 0) else {
            return .failure(reason: "\(target.host) is not a socket address")
        }
        let v6 = destination.family == AF_INET6
        let fd = socket(destination.family, Int32(SOCK_RAW.rawValue), Int32(v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
        guard fd >= 0 else { return .socketFailure("raw ICMP socket: \(errnoText())", errno: errno) }
        defer { close(fd) }
        let identifier = UInt16.random(in: 1...UInt16.max)
        let sequence = UInt16.random(in: 1...UInt16.max)
        let packet = ICMPEcho.request(
            identifier: identifier, sequence: sequence, payload: Array("swiftlb".utf8), v6: v6)
        let start = ContinuousClock.now
        let sent = packet.withUnsafeBytes { bytes in
            destination.withSockaddr { sendto(fd, bytes.baseAddress, bytes.count, 0, $0, $1) }
        }
        guard sent == packet.count else { return .failure(reason: "sending the echo request: \(errnoText())") }
        let deadline = start + target.timeout
        let address = target.host.octets
        var buffer = [UInt8](repeating: 0, count: 1500)
        // Every ICMP packet reaching the host arrives on a raw socket: skip those that are not our reply.
        for _ in 0..<64 {
            guard waitReadable(fd, until: deadline) else { return .failure(reason: "no echo reply within the timeout") }
            var source = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = buffer.withUnsafeMutableBytes { bytes in
                withUnsafeMutablePointer(to: &source) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, bytes.baseAddress, bytes.count, 0, $0, &length)
                    }
                }
            }
            guard count > 0 else { continue }
            if ProbeSocketAddress.octets(of: source, family: destination.family) == address,
                ICMPEcho.isReply(Array(buffer[0..<count]), identifier: identifier, sequence: sequence, v6: v6)
            {
                return .success(delay: ContinuousClock.now - start)
            }
        }
        return .failure(reason: "no matching echo reply")
    }

    /// UDP: sends the request text, up on any reply (containing the expected text, if set); down on ICMP
    /// port unreachable (the connected socket reports ECONNREFUSED) or silence.
    static func udp(_ target: ProbeTarget) -> ProbeResult {
        guard let destination = ProbeSocketAddress(target.host, port: target.port) else {
            return .failure(reason: "\(target.host) is not a socket address")
        }
        let fd = socket(destination.family, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return .socketFailure("udp socket: \(errnoText())", errno: errno) }
        defer { close(fd) }
        guard destination.withSockaddr({ connect(fd, $0, $1) }) == 0 else {
            return .failure(reason: "udp connect: \(errnoText())")
        }
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

/// ICMP echo request and reply bytes (RFC 792; ICMPv6, RFC 4443 §4).
public enum ICMPEcho {
    /// An echo request (type 8, or 128 for ICMPv6) with the identifier, the sequence number and the payload.
    /// The IPv4 checksum is filled in; an ICMPv6 raw socket's kernel computes the ICMPv6 one (it covers
    /// the pseudo-header), so it is left 0.
    public static func request(identifier: UInt16, sequence: UInt16, payload: [UInt8], v6: Bool = false) -> [UInt8] {
        var packet: [UInt8] =
            [
                v6 ? 128 : 8, 0, 0, 0, UInt8(identifier >> 8), UInt8(identifier & 0xff), UInt8(sequence >> 8),
                UInt8(sequence & 0xff),
            ] + payload
        guard !v6 else { return packet }
        let sum = checksum(packet)
        packet[2] = UInt8(sum >> 8)
        packet[3] = UInt8(sum & 0xff)
        return packet
    }

    /// Whether `datagram` is the echo reply to ours: an IPv4 packet as a raw ICMP socket delivers
    /// it (header included), or with `v6` an ICMPv6 message as a raw ICMPv6 socket delivers it
    /// (no header), type 129.
    public static func isReply(_ datagram: [UInt8], identifier: UInt16, sequence: UInt16, v6: Bool = false) -> Bool {
        var icmp = datagram
        if !v6 {
            guard datagram.count >= 20 else { return false }
            let headerLength = Int(datagram[0] & 0x0f) * 4
            guard datagram.count >= headerLength + 8 else { return false }
            icmp = Array(datagram[headerLength...])
        }
        guard icmp.count >= 8 else { return false }
        return icmp[0] == (v6 ? 129 : 0) && icmp[1] == 0 && UInt16(icmp[4]) << 8 | UInt16(icmp[5]) == identifier
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
