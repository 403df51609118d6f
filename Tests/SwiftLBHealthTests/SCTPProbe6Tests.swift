import Foundation
import SwiftLBCore
import SwiftLBHealth
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The sctp probe over IPv6 against ::1. This kernel has no SCTP sockets, so the listener is a raw
/// IPv6 socket of protocol 132 that answers an INIT to its port with an INIT ACK, as an SCTP stack would.
@Suite(.serialized, .enabled(if: geteuid() == 0, "raw SCTP sockets need root"))
struct SCTPProbe6Tests {
    static let loopback6 = IPAddress("::1")!

    static func target(port: UInt16) -> ProbeTarget {
        ProbeTarget(
            key: "t", host: loopback6, type: .sctp, port: port, request: "", response: "", interval: 2, retries: 1)
    }

    /// An INIT ACK from `port` to `peerPort`, verification tag `tag` (the INIT's initiate tag), announcing `ownTag`.
    static func initAck(port: UInt16, peerPort: UInt16, tag: UInt32, ownTag: UInt32) -> [UInt8] {
        var packet =
            be16(port) + be16(peerPort) + be32(tag) + [0, 0, 0, 0]
            + [SCTPProbePacket.initAckChunk, 0] + be16(20) + be32(ownTag) + be32(65535) + be16(1) + be16(1) + be32(1)
        let crc = SCTPProbePacket.crc32c(packet)
        packet[8...11] = [UInt8(crc & 0xff), UInt8((crc >> 8) & 0xff), UInt8((crc >> 16) & 0xff), UInt8(crc >> 24)]
        return packet
    }

    /// Listens on ::1 for `seconds` on a thread of its own (not the test's concurrency pool, which other
    /// suites may keep busy): answers every INIT to `port` with an INIT ACK and counts the ABORTs that follow.
    final class Listener: @unchecked Sendable {
        private let fd = socket(AF_INET6, Int32(SOCK_RAW.rawValue), 132)
        private let finished = DispatchSemaphore(value: 0)
        private var aborts = -1

        init(port: UInt16, seconds: Int) {
            let thread = Thread { [self] in
                aborts = serve(port: port, until: ContinuousClock.now + .seconds(seconds))
                close(fd)
                finished.signal()
            }
            thread.start()
        }

        /// The ABORTs received, once the listening time is over.
        func abortsReceived() async -> Int {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { [self] in
                    finished.wait()
                    continuation.resume(returning: aborts)
                }
            }
        }

        private func serve(port: UInt16, until deadline: ContinuousClock.Instant) -> Int {
            guard fd >= 0 else { return -1 }
            var aborts = 0
            var buffer = [UInt8](repeating: 0, count: 2048)
            while ContinuousClock.now < deadline {
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&entry, 1, 100) > 0 else { continue }
                var source = sockaddr_in6()
                var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
                let count = buffer.withUnsafeMutableBytes { bytes in
                    withUnsafeMutablePointer(to: &source) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            recvfrom(fd, bytes.baseAddress, bytes.count, 0, $0, &length)
                        }
                    }
                }
                guard count >= 16 else { continue }
                let packet = Array(buffer[0..<count])
                guard UInt16(packet[2]) << 8 | UInt16(packet[3]) == port else { continue }
                if packet[12] == SCTPProbePacket.abortChunk { aborts += 1 }
                guard packet[12] == SCTPProbePacket.initChunk, count >= 32 else { continue }
                let peerPort = UInt16(packet[0]) << 8 | UInt16(packet[1])
                let initiateTag = packet[16..<20].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                let answer = SCTPProbe6Tests.initAck(
                    port: port, peerPort: peerPort, tag: initiateTag, ownTag: 0x0a0b_0c0d)
                _ = answer.withUnsafeBytes { bytes in
                    withUnsafePointer(to: &source) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(fd, bytes.baseAddress, bytes.count, 0, $0, length)
                        }
                    }
                }
            }
            return aborts
        }
    }

    @Test func aListenerOnLoopback6IsUpAndGetsItsAbort() async throws {
        let listener = Listener(port: 7100, seconds: 4)
        let result = await SCTPProbe.probe(Self.target(port: 7100))
        guard case .success = result else {
            Issue.record("an INIT ACK from ::1 must be up, got \(result)")
            return
        }
        // The probe tears its half-open association down with an ABORT carrying the listener's tag.
        #expect(await listener.abortsReceived() == 1)
    }

    @Test func noListenerOnLoopback6IsDown() async throws {
        let result = await SCTPProbe.probe(Self.target(port: 7101))
        guard case .failure = result else {
            Issue.record("nothing listens on sctp port 7101 of ::1, got \(result)")
            return
        }
    }

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
    static func be32(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> UInt32($0)) & 0xff) } }
}
