#if canImport(Glibc)
    import Glibc
#endif

/// The UDP sockets of single-hop BFD over IPv4 (RFC 5881): one receiving on the control port
/// (3784) that reports each packet's TTL, one sending from a source port in 49152-65535 with TTL
/// 255, so that a receiver can tell the packet was not routed (GTSM, RFC 5881 §5).
final class BFDSocket {
    /// Why a socket could not be set up.
    struct SetupError: Error, CustomStringConvertible {
        let description: String
    }

    let receiver: Int32
    let sender: Int32

    /// Listens on `listenPort` of `listenAddress` (network order, 0: any) and sends from
    /// `sourcePort` (0: the first free one of 49152-65535).
    init(listenAddress: UInt32, listenPort: UInt16, sourcePort: UInt16) throws(SetupError) {
        receiver = try Self.udpSocket()
        var on: Int32 = 1
        setsockopt(receiver, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(receiver, Int32(IPPROTO_IP), IP_RECVTTL, &on, socklen_t(MemoryLayout<Int32>.size))
        guard Self.bind(receiver, address: listenAddress, port: listenPort) else {
            let reason = Self.lastError()
            close(receiver)
            throw SetupError(description: "cannot listen on UDP port \(listenPort): \(reason)")
        }
        do {
            sender = try Self.udpSocket()
        } catch {
            close(receiver)
            throw error
        }
        var ttl: Int32 = 255
        setsockopt(sender, Int32(IPPROTO_IP), IP_TTL, &ttl, socklen_t(MemoryLayout<Int32>.size))
        let ports: [UInt16] = sourcePort != 0 ? [sourcePort] : Array(49152...65535)
        guard ports.contains(where: { Self.bind(sender, address: 0, port: $0) }) else {
            let reason = Self.lastError()
            close(receiver)
            close(sender)
            throw SetupError(description: "cannot bind a BFD source port: \(reason)")
        }
    }

    deinit {
        close(receiver)
        close(sender)
    }

    /// Sends `bytes` to `address` (network order) and `port`.
    func send(_ bytes: [UInt8], to address: UInt32, port: UInt16) {
        var peer = Self.socketAddress(address, port)
        _ = withUnsafePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(sender, bytes, bytes.count, Int32(MSG_DONTWAIT), $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// One received datagram: its payload, source address (network order) and TTL (nil when the
    /// kernel did not say).
    struct Datagram {
        var payload: [UInt8]
        var source: UInt32
        var ttl: Int32?
    }

    /// Waits up to `timeoutMilliseconds` for a datagram.
    func receive(timeoutMilliseconds: Int32) -> Datagram? {
        var watched = pollfd(fd: receiver, events: Int16(POLLIN), revents: 0)
        guard poll(&watched, 1, timeoutMilliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 512)
        var control = [UInt8](repeating: 0, count: 64)
        var source = sockaddr_in()
        return buffer.withUnsafeMutableBytes { payload -> Datagram? in
            control.withUnsafeMutableBytes { controlBytes -> Datagram? in
                withUnsafeMutablePointer(to: &source) { sourcePointer -> Datagram? in
                    var vector = iovec(iov_base: payload.baseAddress, iov_len: payload.count)
                    return withUnsafeMutablePointer(to: &vector) { vectorPointer -> Datagram? in
                        var message = msghdr()
                        message.msg_name = UnsafeMutableRawPointer(sourcePointer)
                        message.msg_namelen = socklen_t(MemoryLayout<sockaddr_in>.size)
                        message.msg_iov = vectorPointer
                        message.msg_iovlen = 1
                        message.msg_control = controlBytes.baseAddress
                        message.msg_controllen = controlBytes.count
                        let count = recvmsg(receiver, &message, Int32(MSG_DONTWAIT))
                        guard count >= 0 else { return nil }
                        return Datagram(
                            payload: Array(payload.prefix(count)), source: sourcePointer.pointee.sin_addr.s_addr,
                            ttl: Self.ttl(
                                in: UnsafeRawBufferPointer(rebasing: controlBytes.prefix(message.msg_controllen))))
                    }
                }
            }
        }
    }

    // The IP_TTL control message, walked by hand (CMSG_* are C macros): cmsghdr is
    // {size_t len; int level; int type;} followed by data, each message padded to size_t.
    private static func ttl(in control: UnsafeRawBufferPointer) -> Int32? {
        let header = MemoryLayout<Int>.size + 2 * MemoryLayout<Int32>.size
        var offset = 0
        while offset + header <= control.count {
            let length = control.loadUnaligned(fromByteOffset: offset, as: Int.self)
            let level = control.loadUnaligned(fromByteOffset: offset + MemoryLayout<Int>.size, as: Int32.self)
            let type = control.loadUnaligned(fromByteOffset: offset + MemoryLayout<Int>.size + 4, as: Int32.self)
            guard length >= header, offset + length <= control.count else { return nil }
            if level == Int32(IPPROTO_IP), type == IP_TTL, length >= header + 4 {
                return control.loadUnaligned(fromByteOffset: offset + header, as: Int32.self)
            }
            offset += (length + MemoryLayout<Int>.size - 1) / MemoryLayout<Int>.size * MemoryLayout<Int>.size
        }
        return nil
    }

    private static func udpSocket() throws(SetupError) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SetupError(description: "UDP socket: \(lastError())") }
        return fd
    }

    private static func bind(_ fd: Int32, address: UInt32, port: UInt16) -> Bool {
        var local = socketAddress(address, port)
        return withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func socketAddress(_ address: UInt32, _ port: UInt16) -> sockaddr_in {
        var result = sockaddr_in()
        result.sin_family = sa_family_t(AF_INET)
        result.sin_port = port.bigEndian
        result.sin_addr.s_addr = address
        return result
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
