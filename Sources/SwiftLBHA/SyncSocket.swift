import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// Non-blocking TCP sockets for the conntrack sync link. Nothing here ever waits: the sync thread
/// polls every socket at once, so a stalled peer holds up no other peer, no scan and no caller.
enum SyncSocket {
    /// Why a socket could not be set up.
    struct SetupError: Error, CustomStringConvertible {
        let description: String
    }

    /// A listening socket on `port` of `address` (nil: every address, IPv6 and IPv4 when the host
    /// has IPv6); returns it and the port it got (`port` 0 picks a free one).
    static func listen(address: IPAddress?, port: UInt16) throws(SetupError) -> (fd: Int32, port: UInt16) {
        let family = address.map { $0.isV4 ? AF_INET : AF_INET6 } ?? AF_INET6
        var fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var bindAddress = address
        if fd < 0 && address == nil {
            // No IPv6 here: every IPv4 address instead.
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            bindAddress = .v4(0)
        }
        guard fd >= 0 else { throw SetupError(description: "cannot create a TCP socket: \(lastError())") }
        var on: Int32 = 1
        var off: Int32 = 0
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        if bindAddress == nil {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &off, socklen_t(MemoryLayout<Int32>.size))
        }
        let bound = withSocketAddress(bindAddress ?? .v6([UInt8](repeating: 0, count: 16)), port: port) {
            bind(fd, $0, $1) == 0
        }
        guard bound, Glibc.listen(fd, 16) == 0 else {
            let reason = lastError()
            close(fd)
            throw SetupError(description: "cannot listen on TCP port \(port) for conntrack sync: \(reason)")
        }
        return (fd, localPort(fd))
    }

    /// Starts connecting to `address`:`port`; the socket becomes writable once connected (or failed:
    /// `connectError`). Nil when not even the attempt could start.
    static func connect(to address: IPAddress, port: UInt16) -> Int32? {
        let fd = socket(
            address.isV4 ? AF_INET : AF_INET6, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return nil }
        let started = withSocketAddress(address, port: port) { Glibc.connect(fd, $0, $1) == 0 || errno == EINPROGRESS }
        guard started else {
            close(fd)
            return nil
        }
        noDelay(fd)
        return fd
    }

    /// The error of a finished non-blocking connect, 0 when it succeeded.
    static func connectError(_ fd: Int32) -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return errno }
        return error
    }

    /// The next pending connection and its peer's address, nil when there is none.
    static func accept(_ listener: Int32) -> (fd: Int32, peer: IPAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.accept(listener, $0, &length)
            }
        }
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        noDelay(fd)
        return (fd, address(of: storage))
    }

    /// Small messages must leave at once: a new flow has to reach the peer within milliseconds.
    static func noDelay(_ fd: Int32) {
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The port a bound socket got.
    static func localPort(_ fd: Int32) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return withUnsafeBytes(of: storage) { raw in
            // sin_port and sin6_port sit at the same offset, in network order.
            UInt16(raw[2]) << 8 | UInt16(raw[3])
        }
    }

    /// The address in a socket address; an IPv4-mapped IPv6 address (a dual-stack listener's view of
    /// an IPv4 peer) as IPv4.
    static func address(of storage: sockaddr_storage) -> IPAddress {
        var copy = storage
        if Int32(storage.ss_family) == AF_INET {
            return withUnsafeBytes(of: &copy) { raw in
                .v4(raw.load(fromByteOffset: 4, as: UInt32.self).bigEndian)
            }
        }
        let bytes = withUnsafeBytes(of: &copy) { Array($0[8..<24]) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return .v4(bytes[12..<16].reduce(0) { $0 << 8 | UInt32($1) })
        }
        return .v6(bytes)
    }

    /// Calls `body` with the socket address of `address`:`port` and its length.
    static func withSocketAddress<T>(
        _ address: IPAddress, port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T
    ) -> T {
        switch address {
        case .v4(let value):
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = port.bigEndian
            socketAddress.sin_addr.s_addr = value.bigEndian
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(let bytes):
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &socketAddress.sin6_addr) { raw in
                for (index, byte) in bytes.prefix(16).enumerated() { raw[index] = byte }
            }
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
