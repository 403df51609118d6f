import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// The load balancer's own addresses on its interfaces, read with getifaddrs(3).
enum InterfaceAddresses {
    /// The primary (first listed) IPv4 address of every interface of this network namespace, by ifindex.
    /// Interfaces without an IPv4 address are absent.
    static func primaryIPv4() -> [UInt32: IPAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [:] }
        defer { freeifaddrs(list) }
        var result: [UInt32: IPAddress] = [:]
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            guard let name = entry.pointee.ifa_name, let sockaddr = entry.pointee.ifa_addr,
                sockaddr.pointee.sa_family == sa_family_t(AF_INET)
            else { continue }
            let ifindex = if_nametoindex(name)
            guard ifindex != 0, result[ifindex] == nil else { continue }
            let address = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            result[ifindex] = .v4(UInt32(bigEndian: address))
        }
        return result
    }
}
