import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// A socket address of either family for the datagram and raw-socket probes.
struct ProbeSocketAddress {
    private var storage = sockaddr_storage()
    let family: Int32
    let length: socklen_t

    init(_ host: IPAddress, port: UInt16) {
        let octets = host.octets
        if host.isV4 {
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_port = port.bigEndian
                withUnsafeMutableBytes(of: &address.pointee.sin_addr) { $0.copyBytes(from: octets) }
            }
        } else {
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = port.bigEndian
                withUnsafeMutableBytes(of: &address.pointee.sin6_addr) { $0.copyBytes(from: octets) }
            }
        }
    }

    /// Calls `body` with the address as the sockets API takes it.
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
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
