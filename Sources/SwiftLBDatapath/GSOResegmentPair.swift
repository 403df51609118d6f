import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The veth pair `slbgso0`/`slbgso1` through which the datapath sends GSO packets of GTP-U
/// sessions to be segmented in software (slb_gtp_gso in swiftlb_gtpu.h, bpf/lib/gtpu.h).
///
/// A GRO or TSO super-packet cannot be encapsulated as one G-PDU: the kernel's UDP tunnel GSO
/// copies the GTP-U header, and so its length, into every segment. Redirected to `slbgso0`, whose
/// checksum, scatter-gather and segmentation offloads are off, the packet is segmented by the
/// kernel before the veth transmits it (validate_xmit_skb); the segments arrive one by one at the
/// ingress of `slbgso1`, where the datapath is attached and handles each like any packet. The
/// pair is created with iproute2 (as the BGP routes are), its offloads are switched off with the
/// ethtool ioctls; it exists only while sessions do.
public struct GSOResegmentPair: Sendable {
    /// The end GSO packets are redirected to (offloads off).
    public static let outName = "slbgso0"
    /// The end their segments come back at (GRO off, datapath attached).
    public static let inName = "slbgso1"

    /// `slbgso1`'s MAC, set by `ensure` (locally administered): the datapath addresses the GSO
    /// packets it redirects to it, so that their segments arrive as `slbgso1`'s own.
    public static let inMAC: [UInt8] = [0x02, 0x73, 0x6c, 0x62, 0x67, 0x31]

    /// Why the pair could not be set up or removed.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What failed.
        public let description: String
    }

    /// The interface indexes of a set-up pair.
    public struct Indexes: Sendable, Equatable {
        /// `slbgso0`'s.
        public var out: Int32
        /// `slbgso1`'s.
        public var `in`: Int32
    }

    /// The `ip` executable.
    public var ipPath: String

    /// A pair driven through `ipPath`.
    public init(ipPath: String = "/usr/sbin/ip") {
        self.ipPath = FileManager.default.isExecutableFile(atPath: ipPath) ? ipPath : "/sbin/ip"
    }

    /// The pair's indexes; nil when either end is missing.
    public static func existing() -> Indexes? {
        let out = Int32(bitPattern: if_nametoindex(outName))
        let peer = Int32(bitPattern: if_nametoindex(inName))
        return out > 0 && peer > 0 ? Indexes(out: out, in: peer) : nil
    }

    /// Creates the pair when missing (a previous daemon's is reused), switches its offloads off,
    /// raises its MTU to the largest (segments are as big as the sender's segment size, whatever
    /// the pair's MTU), enables IPv4 forwarding on `slbgso1` (the datapath's FIB lookups need it)
    /// and brings both ends up.
    public func ensure() throws(Failure) -> Indexes {
        if Self.existing() == nil {
            _ = try? run(["link", "del", Self.outName])
            try run(["link", "add", Self.outName, "type", "veth", "peer", "name", Self.inName])
        }
        let mac = Self.inMAC.map { String(format: "%02x", $0) }.joined(separator: ":")
        try run(["link", "set", Self.inName, "address", mac])
        for name in [Self.outName, Self.inName] {
            try run(["link", "set", name, "mtu", "65535", "up"])
        }
        // TX checksum off alone makes the kernel segment every CHECKSUM_PARTIAL GSO packet; TSO,
        // scatter-gather and GSO off cover the rest (ETHTOOL_STXCSUM, _STSO, _SSG, _SGSO).
        for command: UInt32 in [0x17, 0x1f, 0x19, 0x24] {
            try Self.setFeature(Self.outName, command: command, enabled: false)
        }
        // GRO off on the receiving end (ETHTOOL_SGRO): the segments must not be merged again.
        try Self.setFeature(Self.inName, command: 0x2c, enabled: false)
        try Self.writeSysctl("/proc/sys/net/ipv4/conf/\(Self.inName)/forwarding", "1")
        // No IPv6 link-local chatter on the pair (best effort: IPv6 may be off altogether).
        for name in [Self.outName, Self.inName] {
            try? Self.writeSysctl("/proc/sys/net/ipv6/conf/\(name)/disable_ipv6", "1")
        }
        guard let indexes = Self.existing() else {
            throw Failure(description: "\(Self.outName)/\(Self.inName) vanished while being set up")
        }
        return indexes
    }

    /// Deletes the pair (both ends go together); already absent is success.
    public func remove() throws(Failure) {
        for name in [Self.outName, Self.inName] where if_nametoindex(name) != 0 {
            try run(["link", "del", name])
        }
    }

    @discardableResult
    private func run(_ arguments: [String]) throws(Failure) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ipPath)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(description: "\(ipPath) \(arguments.joined(separator: " ")): \(error)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "ip \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                    + message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return message
    }

    /// One legacy ethtool feature switch (struct ethtool_value through SIOCETHTOOL).
    private static func setFeature(_ name: String, command: UInt32, enabled: Bool) throws(Failure) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var request = ifreq()
        let nameFits = withUnsafeMutableBytes(of: &request.ifr_ifrn.ifrn_name) { buffer -> Bool in
            let bytes = Array(name.utf8)
            guard bytes.count < buffer.count else { return false }
            buffer.copyBytes(from: bytes)
            return true
        }
        guard nameFits else { throw Failure(description: "interface name \(name) too long") }
        // struct ethtool_value { __u32 cmd; __u32 data; }
        var value: (UInt32, UInt32) = (command, enabled ? 1 : 0)
        let rc = withUnsafeMutablePointer(to: &value) { valuePointer -> Int32 in
            request.ifr_ifru.ifru_data = UnsafeMutableRawPointer(valuePointer).assumingMemoryBound(to: CChar.self)
            return withUnsafeMutablePointer(to: &request) { ioctl(fd, UInt(0x8946), $0) }  // SIOCETHTOOL
        }
        guard rc == 0 else {
            throw Failure(
                description: "ethtool 0x\(String(command, radix: 16)) on \(name): \(String(cString: strerror(errno)))")
        }
    }

    private static func writeSysctl(_ path: String, _ value: String) throws(Failure) {
        do {
            try Data(value.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw Failure(description: "writing \(value) to \(path): \(error.localizedDescription)")
        }
    }
}
