import Foundation
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// Tells a layer-2 segment that a VIP now lives here: a gratuitous ARP (an ARP announcement,
/// RFC 5227 §2.3: a request whose sender and target address are the VIP) for IPv4, an
/// unsolicited neighbour advertisement with the Override flag (RFC 4861 §7.2.6) for IPv6. A new
/// MASTER sends them so that switches and hosts move the VIP's traffic to its MAC at once.
public enum Announcer {
    /// Why an announcement could not be sent.
    public struct SendError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The frame announcing `vip` from `mac` (Ethernet header included).
    public static func frame(announcing vip: IPAddress, from mac: [UInt8]) -> [UInt8] {
        switch vip {
        case .v4(let address): arpAnnouncement(address, mac: mac)
        case .v6(let address): neighborAdvertisement(address, mac: mac)
        }
    }

    /// Sends the announcement of `vip` on interface `name` `count` times, `gap` apart, blocking the
    /// caller meanwhile. Loopback is refused: an announcement there reaches nobody (a known loxilb
    /// bug sent them from `lo`).
    public static func announce(_ vip: IPAddress, on name: String, count: Int = 3, gap: Duration = .milliseconds(200))
        throws(SendError)
    {
        guard name != "lo" else { throw SendError(description: "VIPs are never announced on the loopback interface") }
        let index = if_nametoindex(name)
        guard index != 0 else { throw SendError(description: "no interface \(name)") }
        guard let mac = hardwareAddress(of: name) else {
            throw SendError(description: "interface \(name) has no Ethernet address")
        }
        let bytes = frame(announcing: vip, from: mac)
        let fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue), 0)
        guard fd >= 0 else { throw SendError(description: "packet socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let target = linkLayerAddress(ifindex: Int32(index), destination: Array(bytes[0..<6]))
        let pause = Double(gap.components.seconds) + Double(gap.components.attoseconds) / 1e18
        for round in 0..<max(count, 1) {
            if round > 0 { Thread.sleep(forTimeInterval: pause) }
            let sent = target.withUnsafeBytes {
                sendto(
                    fd, bytes, bytes.count, 0, $0.baseAddress?.assumingMemoryBound(to: sockaddr.self),
                    socklen_t(target.count))
            }
            guard sent == bytes.count else {
                throw SendError(description: "sending on \(name): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// `announce` on a thread of its own, returning at once. A failover's announcements keep their
    /// spacing however busy the task pool is (a task sleeping between them could wake seconds late).
    public static func announceInBackground(
        _ vip: IPAddress, on name: String, count: Int, gap: Duration,
        failed: @escaping @Sendable (SendError) -> Void
    ) {
        let thread = Thread {
            do throws(SendError) {
                try announce(vip, on: name, count: count, gap: gap)
            } catch {
                failed(error)
            }
        }
        thread.name = "slb-announce"
        thread.start()
    }

    /// `struct sockaddr_ll` (linux/if_packet.h, which Glibc's module leaves out) as its 20 bytes in
    /// host order: family, protocol (0: the frame says), ifindex, hardware type, packet type,
    /// address length, address (8 bytes).
    static func linkLayerAddress(ifindex: Int32, destination: [UInt8]) -> [UInt8] {
        var out = withUnsafeBytes(of: UInt16(AF_PACKET)) { Array($0) } + [0, 0]
        out += withUnsafeBytes(of: ifindex) { Array($0) }
        out += [0, 0, 0, 6] + destination + [0, 0]
        return out
    }

    /// The interface's MAC from sysfs, nil when it has none (six bytes).
    /// The interface's MAC, from the kernel of this network namespace (getifaddrs' AF_PACKET entry,
    /// a sockaddr_ll): sysfs may show another namespace's interfaces when the daemon entered this
    /// one without remounting it.
    static func hardwareAddress(of name: String) -> [UInt8]? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_PACKET),
                let entryName = entry.pointee.ifa_name, String(cString: entryName) == name
            else { continue }
            // sockaddr_ll: family, protocol, ifindex, hatype, pkttype, halen (byte 11), addr (from 12).
            let bytes = UnsafeRawPointer(address).assumingMemoryBound(to: UInt8.self)
            guard bytes[11] == 6 else { return nil }
            let octets = (12..<18).map { bytes[$0] }
            return octets != [0, 0, 0, 0, 0, 0] ? octets : nil
        }
        return nil
    }

    private static func arpAnnouncement(_ address: UInt32, mac: [UInt8]) -> [UInt8] {
        let ip = [UInt8(address >> 24), UInt8(address >> 16 & 0xff), UInt8(address >> 8 & 0xff), UInt8(address & 0xff)]
        let broadcast = [UInt8](repeating: 0xff, count: 6)
        // Ethernet, then ARP: Ethernet/IPv4, request, sender = target = the VIP.
        return broadcast + mac + [0x08, 0x06] + [0, 1, 0x08, 0x00, 6, 4, 0, 1] + mac + ip
            + [UInt8](repeating: 0, count: 6) + ip
    }

    private static func neighborAdvertisement(_ address: [UInt8], mac: [UInt8]) -> [UInt8] {
        let target = Array(address.prefix(16))
        let allNodes: [UInt8] = [0xff, 0x02] + [UInt8](repeating: 0, count: 13) + [1]
        // The source is the VIP itself: a node may advertise from any of its addresses.
        var icmp: [UInt8] = [136, 0, 0, 0, 0x20, 0, 0, 0] + target + [2, 1] + mac
        let checksum = icmpv6Checksum(source: target, destination: allNodes, payload: icmp)
        icmp[2] = UInt8(checksum >> 8)
        icmp[3] = UInt8(checksum & 0xff)
        let length = UInt16(icmp.count)
        let ipv6: [UInt8] =
            [0x60, 0, 0, 0, UInt8(length >> 8), UInt8(length & 0xff), 58, 255] + target + allNodes
        return [0x33, 0x33, 0, 0, 0, 1] + mac + [0x86, 0xdd] + ipv6 + icmp
    }

    /// RFC 4443 §2.3: the checksum over the IPv6 pseudo-header and the ICMPv6 message.
    static func icmpv6Checksum(source: [UInt8], destination: [UInt8], payload: [UInt8]) -> UInt16 {
        let length = UInt32(payload.count)
        var words = source + destination
        words += [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
        words += [0, 0, 0, 58] + payload
        if words.count % 2 == 1 { words.append(0) }
        var sum: UInt32 = 0
        for index in stride(from: 0, to: words.count, by: 2) {
            sum += UInt32(words[index]) << 8 | UInt32(words[index + 1])
        }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self[...]
    }
}
