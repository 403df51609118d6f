import NIOCore
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// The address of a datagram or raw-socket probe's target, of either family: NIO's `SocketAddress`
/// builds the `sockaddr`, this adds the family and reads the source address `recvfrom` returns.
struct ProbeSocketAddress {
    private let address: SocketAddress
    let family: Int32

    /// Nil only if `host` is not an address the sockets API accepts (an `IPAddress` always is).
    init?(_ host: IPAddress, port: UInt16) {
        guard let address = try? SocketAddress(ipAddress: host.description, port: Int(port)) else { return nil }
        self.address = address
        family = address.protocol.rawValue
    }

    /// Calls `body` with the address as the sockets API takes it.
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        address.withSockAddr { body($0, socklen_t($1)) }
    }

    /// The address bytes of a source filled in by `recvfrom` into `source` (family `family`).
    static func octets(of source: sockaddr_storage, family: Int32) -> [UInt8] {
        withUnsafeBytes(of: source) { raw in
            if family == AF_INET {
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self).pointee
                return withUnsafeBytes(of: address.sin_addr) { Array($0) }
            }
            let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self).pointee
            return withUnsafeBytes(of: address.sin6_addr) { Array($0) }
        }
    }
}
