import BPFLoader
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Frames arriving on one interface of the fixture namespace, read with an AF_PACKET socket: how a fixture sees a
/// copy the program sent itself (bpf_clone_redirect), which BPF_PROG_TEST_RUN does not return.
final class FrameCapture {
    private let fd: Int32

    /// Opens the capture on `interface` (e.g. "fx1p", the peer of the LB's server side); nil if it cannot.
    init?(interface: String) {
        guard let fd = packetSocket(boundTo: interface) else { return nil }
        self.fd = fd
    }

    deinit { close(fd) }

    /// The first frame (within `milliseconds`) for which `match` is true; nil when none came.
    func next(milliseconds: Int32 = 1000, where match: ([UInt8]) -> Bool) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 2048)
        // A bounded number of reads: other frames (IPv6 neighbour discovery) may arrive too.
        for _ in 0..<64 {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, milliseconds) > 0 else { return nil }
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            let frame = Array(buffer[0..<count])
            if match(frame) { return frame }
        }
        return nil
    }
}

/// An AF_PACKET socket receiving every frame of `interface`, with PACKET_AUXDATA (the VLAN tag a
/// veth passes as metadata) when `auxdata` is set; nil if it cannot be opened.
func packetSocket(boundTo interface: String, auxdata: Bool = false) -> Int32? {
    guard let index = NetworkInterface.index(of: interface) else { return nil }
    // ETH_P_ALL in network order; Glibc's Swift module has neither it nor struct sockaddr_ll (linux/if_packet.h).
    let proto = UInt16(0x0003).bigEndian
    let fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue), Int32(proto))
    guard fd >= 0 else { return nil }
    var on: Int32 = 1
    // SOL_PACKET (263), PACKET_AUXDATA (8).
    if auxdata && setsockopt(fd, 263, 8, &on, socklen_t(MemoryLayout<Int32>.size)) != 0 {
        close(fd)
        return nil
    }
    // struct sockaddr_ll: family (u16), protocol (be16), ifindex (i32), then hatype, pkttype, halen, addr[8].
    var address = [UInt8](repeating: 0, count: 20)
    withUnsafeBytes(of: UInt16(AF_PACKET)) { address.replaceSubrange(0..<2, with: $0) }
    withUnsafeBytes(of: proto) { address.replaceSubrange(2..<4, with: $0) }
    withUnsafeBytes(of: index) { address.replaceSubrange(4..<8, with: $0) }
    let bound = address.withUnsafeBytes {
        bind(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
    }
    guard bound == 0 else {
        close(fd)
        return nil
    }
    return fd
}
