import Dispatch
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// The sctp probe: an INIT over a raw IPv4 or IPv6 socket (protocol 132; the daemon runs as root and this kernel has
/// no SCTP sockets), up on the INIT ACK (then an ABORT tears the half-open association down), down on ABORT, ICMP
/// unreachable or silence within the timeout. Packets: `SCTPProbePacket`. A raw IPv4 socket delivers the IP header
/// with each packet, a raw IPv6 socket does not.
///
/// While the raw socket is open the kernel hands it the answer instead of replying "protocol unreachable" itself.
public enum SCTPProbe {
    /// Probes `target` (type sctp), on a Dispatch worker thread so that no Swift concurrency thread blocks.
    public static func probe(_ target: ProbeTarget) async -> ProbeResult {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: run(target)) }
        }
    }

    static func run(_ target: ProbeTarget) -> ProbeResult {
        guard let destination = ProbeSocketAddress(target.host, port: 0) else {
            return .failure(reason: "\(target.host) is not a socket address")
        }
        let v6 = destination.family == AF_INET6
        let address = target.host.octets
        let fd = socket(destination.family, Int32(SOCK_RAW.rawValue), 132)
        guard fd >= 0 else { return .socketFailure("raw SCTP socket: \(DatagramProbe.errnoText())", errno: errno) }
        defer { close(fd) }
        // Connected to the endpoint, the socket only sees its packets and only the ICMP errors about packets sent to
        // it (port or protocol unreachable surface as a socket error): probes of other hosts running at the same time
        // cannot fail this one.
        guard destination.withSockaddr({ connect(fd, $0, $1) }) == 0 else {
            return .failure(reason: "raw SCTP connect: \(DatagramProbe.errnoText())")
        }
        let sourcePort = UInt16.random(in: 32768...60999)
        let tag = UInt32.random(in: 1...UInt32.max)
        let start = ContinuousClock.now
        let initPacket = SCTPProbePacket.initPacket(sourcePort: sourcePort, destinationPort: target.port, tag: tag)
        guard transmit(fd, initPacket) else {
            return .failure(reason: "sending the INIT: \(DatagramProbe.errnoText())")
        }
        let deadline = start + target.timeout
        var buffer = [UInt8](repeating: 0, count: 2048)
        // Every SCTP packet reaching the host arrives on a raw socket: skip those that are not the answer to ours.
        for _ in 0..<64 {
            guard DatagramProbe.waitReadable(fd, until: deadline) else {
                return .failure(reason: "no INIT ACK within the timeout")
            }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return .failure(reason: "unreachable (\(DatagramProbe.errnoText()))")
            }
            let datagram = Array(buffer[0..<count])
            let answer: SCTPProbePacket.Answer?
            if v6 {
                // The connected IPv6 socket only receives packets from the endpoint.
                answer = SCTPProbePacket.answer(
                    sctp: datagram, sourcePort: sourcePort, destinationPort: target.port, tag: tag)
            } else {
                guard datagram.count >= 20, Array(datagram[12..<16]) == address else { continue }
                answer = SCTPProbePacket.answer(
                    datagram, sourcePort: sourcePort, destinationPort: target.port, tag: tag)
            }
            switch answer {
            case .initAck(let peerTag):
                let delay = ContinuousClock.now - start
                let abort = SCTPProbePacket.abortPacket(
                    sourcePort: sourcePort, destinationPort: target.port, peerTag: peerTag)
                _ = transmit(fd, abort)
                return .success(delay: delay)
            case .abort:
                return .failure(reason: "ABORT: nothing listens on sctp port \(target.port)")
            case nil:
                continue
            }
        }
        return .failure(reason: "no matching INIT ACK")
    }

    private static func transmit(_ fd: Int32, _ packet: [UInt8]) -> Bool {
        packet.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) } == packet.count
    }
}
