import Foundation
import SwiftLBCore
import Testing

@testable import SwiftLBHA

/// The takeover announcements leave on the wire: a packet socket on the far end of a veth pair
/// of the test's own receives each of them, as sent, `count` times.
@Suite(.serialized, .enabled(if: Fixture.enabled, "needs root and scripts/fixture-netns.sh (run scripts/test.sh)"))
struct AnnouncerFixtureTests {
    /// Frames of `ethertype` arriving on `name` during `seconds`, or until `until` of them arrived.
    static func capture(
        on name: String, ethertype: UInt16, seconds: Double, until: Int = .max, while send: () async throws -> Void
    ) async throws -> [[UInt8]] {
        let fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue), Int32(ethertype.bigEndian))
        try #require(fd >= 0)
        defer { close(fd) }
        var address = Announcer.linkLayerAddress(ifindex: Int32(if_nametoindex(name)), destination: [0, 0, 0, 0, 0, 0])
        address[2] = UInt8(ethertype >> 8)
        address[3] = UInt8(ethertype & 0xff)
        let bound = address.withUnsafeBytes {
            bind(fd, $0.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(address.count))
        }
        try #require(bound == 0)
        try await send()
        // Sleeping (not polling) between reads leaves the threads to senders that run as tasks
        // (under a full parallel run they may start late); the socket queues the frames meanwhile.
        var frames: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            try await Task.sleep(for: .milliseconds(100))
            while true {
                var watched = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&watched, 1, 0) > 0 else { break }
                let count = recv(fd, &buffer, buffer.count, 0)
                if count > 0 { frames.append(Array(buffer[0..<count])) }
            }
        } while Date() < deadline && frames.count < until
        return frames
    }

    /// Waits (up to 2 s) until `name` has carrier: a frame sent before that is dropped by the veth.
    static func waitRunning(_ name: String) async throws {
        for _ in 0..<200 {
            var list: UnsafeMutablePointer<ifaddrs>?
            guard getifaddrs(&list) == 0 else { break }
            var running = false
            var cursor = list
            while let entry = cursor {
                if String(cString: entry.pointee.ifa_name) == name, entry.pointee.ifa_flags & UInt32(IFF_RUNNING) != 0 {
                    running = true
                }
                cursor = entry.pointee.ifa_next
            }
            freeifaddrs(list)
            if running { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("\(name) has no carrier after 2 s")
    }

    static func ip(_ arguments: String...) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test("a gratuitous ARP and an unsolicited NA arrive on the peer, three times each, exactly as built")
    func announcementsArrive() async throws {
        #expect(Self.ip("link", "add", "slban0", "type", "veth", "peer", "name", "slban1") == 0)
        defer { _ = Self.ip("link", "del", "slban0") }
        #expect(Self.ip("link", "set", "slban0", "up") == 0 && Self.ip("link", "set", "slban1", "up") == 0)
        try await Self.waitRunning("slban0")
        try await Self.waitRunning("slban1")
        let mac = try #require(Announcer.hardwareAddress(of: "slban0"))
        let vip = IPAddress.v4(0x0a63_0001)
        let arps = try await Self.capture(on: "slban1", ethertype: 0x0806, seconds: 1.0) {
            try Announcer.announce(vip, on: "slban0", count: 3, gap: .milliseconds(50))
        }
        #expect(arps == Array(repeating: Announcer.frame(announcing: vip, from: mac), count: 3))
        let vip6 = IPAddress.v6([0xfd, 0, 0, 0x63] + [UInt8](repeating: 0, count: 11) + [1])
        let advertisements = try await Self.capture(on: "slban1", ethertype: 0x86dd, seconds: 1.0) {
            try Announcer.announce(vip6, on: "slban0", count: 3, gap: .milliseconds(50))
        }
        let expected = Announcer.frame(announcing: vip6, from: mac)
        // The kernel sends router/neighbour traffic of its own on a fresh link: count ours only.
        #expect(advertisements.filter { $0 == expected }.count == 3)
    }
}
