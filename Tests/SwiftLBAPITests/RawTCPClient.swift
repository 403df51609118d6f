import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP client on plain sockets, for tests that must control every byte and see
/// exactly when the server closes (which an HTTP client library hides).
final class RawTCPClient {
    let fd: Int32

    /// Connects to 127.0.0.1:`port`, or [::1]:`port` (the test server listens on "localhost").
    init(port: Int) throws {
        if let fd = Self.connect(family: AF_INET, port: port) ?? Self.connect(family: AF_INET6, port: port) {
            self.fd = fd
        } else {
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    private static func connect(family: Int32, port: Int) -> Int32? {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var result: Int32
        if family == AF_INET {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        } else {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            address.sin6_addr = in6addr_loopback
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        guard result == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Sends `text`; false when the server already closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// What the next read gives within `seconds`.
    enum Read: Equatable {
        case data(String)
        case closed
        case nothing
    }

    func read(within seconds: Double) -> Read {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(seconds * 1000)) > 0 else { return .nothing }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { return .closed }
        return .data(String(decoding: buffer[0..<count], as: UTF8.self))
    }

    /// Reads until the server closes or `seconds` pass; true when it closed.
    func closes(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            switch read(within: max(0.01, deadline.timeIntervalSinceNow)) {
            case .closed: return true
            case .data: continue
            case .nothing: return false
            }
        }
        return false
    }
}
