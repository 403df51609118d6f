#if canImport(Glibc)
    import Glibc
#endif

/// Distinct UDP ports that are free on loopback right now: the kernel picks them (each socket is
/// held until all are chosen), so two test runs at once do not fight over fixed numbers.
enum FreeUDPPorts {
    static func take(_ count: Int) -> [UInt16] {
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        var ports: [UInt16] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            precondition(fd >= 0, "socket() failed")
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
                }
            }
            precondition(bound, "binding a UDP socket on loopback failed")
            ports.append(UInt16(bigEndian: address.sin_port))
        }
        return ports
    }
}
