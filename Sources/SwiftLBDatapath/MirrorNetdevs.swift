import Foundation
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// Makes and removes the netdevs of RSPAN and ERSPAN mirrors with iproute2's `ip`: a VLAN device
/// over the mirror port (the kernel tags the copies) or an ERSPAN type II device (the kernel
/// encapsulates them in GRE with the ERSPAN header, routes and fragments the result).
public struct MirrorNetdevs: Sendable {
    /// The `ip` binary.
    public var ipPath: String

    /// Netdevs made through `ipPath`.
    public init(ipPath: String = "/usr/sbin/ip") {
        self.ipPath = ipPath
    }

    /// Replaces any device named as `netdev`, makes it, brings it up and returns its ifindex.
    public func make(_ netdev: MirrorNetdev) throws(DatapathError) -> UInt32 {
        remove(netdev.name)
        try run(Self.addArguments(netdev))
        try run(["link", "set", "dev", netdev.name, "up"])
        let index = if_nametoindex(netdev.name)
        guard index != 0 else { throw DatapathError(.failed, "mirror netdev \(netdev.name) vanished after creation") }
        return index
    }

    /// Removes the device `name`, if there is one.
    public func remove(_ name: String) {
        guard if_nametoindex(name) != 0 else { return }
        try? run(["link", "del", "dev", name])
    }

    /// The `ip link add` arguments of `netdev`.
    public static func addArguments(_ netdev: MirrorNetdev) -> [String] {
        switch netdev {
        case .vlan(let name, let port, let vlan):
            return ["link", "add", "link", port, "name", name, "type", "vlan", "id", String(vlan)]
        case .erspan(let name, let remote, let source, let session):
            // ERSPAN version 1 is type II; the GRE key carries the session id, sequence numbers on.
            return [
                "link", "add", "dev", name, "type", "erspan", "seq", "key", String(session), "local", source.description,
                "remote", remote.description, "erspan_ver", "1", "erspan", String(session),
            ]
        }
    }

    private func run(_ arguments: [String]) throws(DatapathError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ipPath)
        process.arguments = arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let command = "ip " + arguments.joined(separator: " ")
        do {
            try process.run()
        } catch {
            throw DatapathError(.failed, "`\(command)` could not start: \(error)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw DatapathError(.failed, "`\(command)` failed (exit \(process.terminationStatus)): \(text)")
        }
    }
}
