import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

/// The kernel's announcements of link and address changes in the calling thread's network
/// namespace (rtnetlink's multicast groups): an interface appears, goes or changes, an IPv4 or
/// IPv6 address is added or removed. What changed is not parsed: a watcher reads the interfaces
/// again after any of them, so nothing is missed when the kernel drops messages (ENOBUFS).
public final class InterfaceEvents: Sendable {
    /// Why the netlink socket could not be opened.
    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    private let descriptor: Int32

    /// Subscribes to link and address changes.
    public init() throws(OpenError) {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_ROUTE)
        guard fd >= 0 else { throw OpenError(description: "netlink socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_nl()
        address.nl_family = sa_family_t(AF_NETLINK)
        address.nl_groups = UInt32(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
            }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw OpenError(description: "netlink bind: \(reason)")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Blocks until a change is announced or `timeoutMilliseconds` pass; true when something
    /// changed. Consumes every announcement queued so far, so a burst counts once.
    public func wait(timeoutMilliseconds: Int32) -> Bool {
        var watched = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&watched, 1, timeoutMilliseconds) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 16384)
        var changed = false
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            // ENOBUFS: the kernel dropped announcements because we were slow; still a change.
            guard count > 0 || (count < 0 && errno == ENOBUFS) else { break }
            changed = true
        }
        return changed
    }
}
