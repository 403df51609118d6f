import BPFLoader
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Frames arriving on one interface with the VLAN tag the kernel keeps beside them (PACKET_AUXDATA):
/// how an RSPAN fixture sees its copy's tag, which a veth passes as offload metadata, not as bytes.
final class TaggedFrameCapture {
    private let fd: Int32

    /// Opens the capture on `interface`; nil if it cannot.
    init?(interface: String) {
        guard let fd = packetSocket(boundTo: interface, auxdata: true) else { return nil }
        self.fd = fd
    }

    deinit { close(fd) }

    /// The first frame (within `milliseconds`) for which `match` is true, with its VLAN TCI (nil: untagged).
    func next(milliseconds: Int32 = 1000, where match: ([UInt8]) -> Bool) -> (frame: [UInt8], tci: UInt16?)? {
        for _ in 0..<64 {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, milliseconds) > 0, let (frame, tci) = receive() else { return nil }
            if match(frame) { return (frame, tci) }
        }
        return nil
    }

    private func receive() -> ([UInt8], UInt16?)? {
        var buffer = [UInt8](repeating: 0, count: 2048)
        var control = [UInt8](repeating: 0, count: 128)
        return buffer.withUnsafeMutableBytes { data -> ([UInt8], UInt16?)? in
            control.withUnsafeMutableBytes { ancillary -> ([UInt8], UInt16?)? in
                var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer -> ([UInt8], UInt16?)? in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = ancillary.baseAddress
                    message.msg_controllen = ancillary.count
                    let count = recvmsg(fd, &message, 0)
                    guard count > 0 else { return nil }
                    let frame = Array(data[0..<count])
                    return (frame, Self.tci(ancillary, length: Int(message.msg_controllen)))
                }
            }
        }
    }

    /// The TCI of the tpacket_auxdata control message when its status says TP_STATUS_VLAN_VALID.
    private static func tci(_ control: UnsafeMutableRawBufferPointer, length: Int) -> UInt16? {
        // struct cmsghdr: cmsg_len (size_t), cmsg_level (int), cmsg_type (int), then the data.
        // struct tpacket_auxdata: tp_status, tp_len, tp_snaplen (u32), tp_mac, tp_net, tp_vlan_tci, tp_vlan_tpid (u16).
        var offset = 0
        while offset + 16 <= length {
            let cmsgLength = Int(control.loadUnaligned(fromByteOffset: offset, as: UInt.self))
            let level = control.loadUnaligned(fromByteOffset: offset + 8, as: Int32.self)
            let type = control.loadUnaligned(fromByteOffset: offset + 12, as: Int32.self)
            guard cmsgLength >= 16 else { return nil }
            if level == 263 && type == 8 && cmsgLength >= 16 + 20 {
                let status = control.loadUnaligned(fromByteOffset: offset + 16, as: UInt32.self)
                let tci = control.loadUnaligned(fromByteOffset: offset + 16 + 16, as: UInt16.self)
                return status & (1 << 4) != 0 ? tci : nil
            }
            offset += (cmsgLength + 7) & ~7
        }
        return nil
    }
}
