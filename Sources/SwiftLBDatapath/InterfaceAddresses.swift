import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// The load balancer's own addresses on its interfaces, read with getifaddrs(3).
enum InterfaceAddresses {
    /// The primary (first listed) IPv4 address of every interface of this network namespace, by ifindex.
    /// Interfaces without an IPv4 address are absent.
    static func primaryIPv4() -> [UInt32: IPAddress] {
        firstAddress(family: AF_INET) { sockaddr in
            let address = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            return .v4(UInt32(bigEndian: address))
        }
    }

    /// The first IPv6 address of every interface that is neither link-local nor loopback, by ifindex
    /// (the onearm NAT66 source). Interfaces without one are absent.
    static func primaryIPv6() -> [UInt32: IPAddress] {
        firstAddress(family: AF_INET6) { sockaddr in
            let bytes = sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
            }
            let address = IPAddress.v6(bytes)
            return address.isLinkLocalV6 || address.isLoopback || address.isUnspecified ? nil : address
        }
    }

    /// The first address of `family` per interface that `usable` accepts (and converts), by ifindex.
    private static func firstAddress(
        family: Int32, _ usable: (UnsafeMutablePointer<sockaddr>) -> IPAddress?
    ) -> [UInt32: IPAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [:] }
        defer { freeifaddrs(list) }
        var result: [UInt32: IPAddress] = [:]
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            guard let name = entry.pointee.ifa_name, let sockaddr = entry.pointee.ifa_addr,
                sockaddr.pointee.sa_family == sa_family_t(family)
            else { continue }
            let ifindex = if_nametoindex(name)
            guard ifindex != 0, result[ifindex] == nil, let address = usable(sockaddr) else { continue }
            result[ifindex] = address
        }
        return result
    }
}
