import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// A MASTER's hold on its VIPs: each VIP as a host address (/32, /128) on the interface whose
/// connected subnet contains it, so the kernel answers ARP and neighbour solicitations for it
/// there, and only there. The BACKUP removes them. Changed with rtnetlink; read with getifaddrs.
public enum VIPAddresses {
    /// Why an address could not be added or removed.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// An interface of this namespace.
    public struct Interface: Sendable, Hashable {
        public var name: String
        public var index: Int32
    }

    /// The non-loopback interface with a connected subnet (not a host address) that contains `vip`;
    /// nil when none does (then the VIP is reached by routing, BGP's case, not by ARP).
    public static func interface(for vip: IPAddress) -> Interface? { Snapshot.read().interface(for: vip) }

    /// The interfaces holding `vip` as a host address.
    public static func holders(of vip: IPAddress) -> [Interface] { Snapshot.read().holders(of: vip) }

    /// This namespace's addresses as one getifaddrs(3) call saw them, to answer several questions
    /// (one per VIP) from a single read.
    public struct Snapshot: Sendable {
        fileprivate let entries: [Entry]

        public static func read() -> Snapshot { Snapshot(entries: addressList()) }

        /// See `VIPAddresses.interface(for:)`.
        public func interface(for vip: IPAddress) -> Interface? {
            entries.first { entry in
                entry.interface.name != "lo" && entry.prefix.length < (vip.isV4 ? 32 : 128)
                    && entry.prefix.contains(vip)
            }?.interface
        }

        /// See `VIPAddresses.holders(of:)`.
        public func holders(of vip: IPAddress) -> [Interface] {
            entries.filter { $0.address == vip && $0.prefix.length == (vip.isV4 ? 32 : 128) }.map(\.interface)
        }

        /// See `VIPAddresses.localAddress(toward:)`.
        public func localAddress(toward peer: IPAddress) -> IPAddress? {
            entries.first { $0.interface.name != "lo" && $0.prefix.contains(peer) && $0.address != peer }?.address
        }
    }

    /// Adds `vip` as a host address of `interface` (no prefix route, no duplicate address
    /// detection delay); already present is success.
    public static func add(_ vip: IPAddress, to interface: Interface) throws(Failure) {
        try change(vip, on: interface, adding: true)
    }

    /// Removes the host address `vip` from `interface`; already absent is success.
    public static func remove(_ vip: IPAddress, from interface: Interface) throws(Failure) {
        try change(vip, on: interface, adding: false)
    }

    private static let newAddress: UInt16 = 20  // RTM_NEWADDR
    private static let deleteAddress: UInt16 = 21  // RTM_DELADDR

    private static func change(_ vip: IPAddress, on interface: Interface, adding: Bool) throws(Failure) {
        let raw = networkBytes(vip)
        var message: [UInt8] = []
        // struct ifaddrmsg: family, prefix length, flags, scope (universe), ifindex.
        message += [UInt8(vip.isV4 ? AF_INET : AF_INET6), UInt8(raw.count * 8), 0, 0]
        message += withUnsafeBytes(of: interface.index) { Array($0) }
        message += attribute(type: 2, raw)  // IFA_LOCAL
        message += attribute(type: 1, raw)  // IFA_ADDRESS
        // IFA_FLAGS: IFA_F_NODAD | IFA_F_NOPREFIXROUTE.
        message += attribute(type: 8, withUnsafeBytes(of: UInt32(0x02 | 0x200)) { Array($0) })
        // NLM_F_REQUEST | NLM_F_ACK, and NLM_F_CREATE | NLM_F_REPLACE to add (linux/netlink.h).
        let flags: UInt16 = adding ? 0x1 | 0x4 | 0x400 | 0x100 : 0x1 | 0x4
        let code = try request(type: adding ? newAddress : deleteAddress, flags: flags, payload: message)
        let harmless = adding ? [EEXIST] : [EADDRNOTAVAIL, ENOENT, ENODEV]
        guard code == 0 || harmless.contains(code) else {
            throw Failure(
                description: "\(adding ? "adding" : "removing") \(vip) \(adding ? "to" : "from") \(interface.name): "
                    + String(cString: strerror(code)))
        }
    }

    /// The address in network order (4 or 16 bytes).
    static func networkBytes(_ address: IPAddress) -> [UInt8] {
        switch address {
        case .v4(let value): [24, 16, 8, 0].map { UInt8(value >> UInt32($0) & 0xff) }
        case .v6(let bytes): bytes
        }
    }

    /// One rtattr, padded to 4 bytes.
    private static func attribute(type: UInt16, _ value: [UInt8]) -> [UInt8] {
        let length = UInt16(4 + value.count)
        var out = withUnsafeBytes(of: length) { Array($0) } + withUnsafeBytes(of: type) { Array($0) } + value
        while out.count % 4 != 0 { out.append(0) }
        return out
    }

    /// Sends one request and returns the errno of its acknowledgement (0: done).
    private static func request(type: UInt16, flags: UInt16, payload: [UInt8]) throws(Failure) -> Int32 {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)  // NETLINK_ROUTE
        guard fd >= 0 else { throw Failure(description: "netlink socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // struct nlmsghdr: length, type, flags, sequence, port id (0: the kernel assigns).
        var message = withUnsafeBytes(of: UInt32(16 + payload.count)) { Array($0) }
        message += withUnsafeBytes(of: type) { Array($0) } + withUnsafeBytes(of: flags) { Array($0) }
        message += withUnsafeBytes(of: UInt32(1)) { Array($0) } + [0, 0, 0, 0] + payload
        guard send(fd, message, message.count, 0) == message.count else {
            throw Failure(description: "netlink send: \(String(cString: strerror(errno)))")
        }
        var reply = [UInt8](repeating: 0, count: 4096)
        let received = recv(fd, &reply, reply.count, 0)
        // NLMSG_ERROR (2) carries a negative errno, 0 for an acknowledgement.
        guard received >= 20, reply[4] == 2, reply[5] == 0 else {
            throw Failure(description: "netlink: no acknowledgement (\(String(cString: strerror(errno))))")
        }
        let code = reply[16..<20].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
        return -code
    }

    fileprivate struct Entry: Sendable {
        var interface: Interface
        /// The address itself (the prefix holds its network).
        var address: IPAddress
        var prefix: IPPrefix
    }

    /// Every address of every interface with its prefix length.
    fileprivate static func addressList() -> [Entry] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var result: [Entry] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            guard let name = entry.pointee.ifa_name, let address = entry.pointee.ifa_addr,
                let mask = entry.pointee.ifa_netmask, let ip = ipAddress(address)
            else { continue }
            let index = Int32(if_nametoindex(name))
            guard index != 0 else { continue }
            let length = maskBytes(mask).reduce(0) { $0 + $1.nonzeroBitCount }
            result.append(
                Entry(
                    interface: Interface(name: String(cString: name), index: index), address: ip,
                    prefix: IPPrefix(address: ip, length: length)))
        }
        return result
    }

    private static func ipAddress(_ sockaddr: UnsafeMutablePointer<sockaddr>) -> IPAddress? {
        switch Int32(sockaddr.pointee.sa_family) {
        case AF_INET:
            let value = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            return .v4(UInt32(bigEndian: value))
        case AF_INET6:
            return .v6(
                sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                })
        default: return nil
        }
    }

    private static func maskBytes(_ sockaddr: UnsafeMutablePointer<sockaddr>) -> [UInt8] {
        switch Int32(sockaddr.pointee.sa_family) {
        case AF_INET:
            let value = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            return withUnsafeBytes(of: value) { Array($0) }
        case AF_INET6:
            return sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
            }
        default: return []
        }
    }
}

extension VIPAddresses {
    /// This host's address in the connected subnet that contains `peer` (how the peer knows it),
    /// nil when no subnet does.
    public static func localAddress(toward peer: IPAddress) -> IPAddress? {
        Snapshot.read().localAddress(toward: peer)
    }
}
