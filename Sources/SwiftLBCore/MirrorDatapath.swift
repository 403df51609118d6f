/// Where a mirror's copies go in the datapath: the target interface and the mirror's id.
public struct MirrorTarget: Sendable, Hashable {
    /// The interface the copies leave by.
    public var ifindex: UInt32
    /// The mirror's id (its counters).
    public var id: UInt32

    /// Creates a target.
    public init(ifindex: UInt32, id: UInt32) {
        self.ifindex = ifindex
        self.id = id
    }
}

/// Every attachment the datapath holds: ports by ifindex, LB rules by service id.
public struct MirrorAttachments: Sendable, Hashable {
    /// Mirrored ports' ifindexes.
    public var ports: [UInt32: MirrorTarget] = [:]
    /// Mirrored rules' service ids.
    public var services: [UInt32: MirrorTarget] = [:]

    /// Empty attachments.
    public init(ports: [UInt32: MirrorTarget] = [:], services: [UInt32: MirrorTarget] = [:]) {
        self.ports = ports
        self.services = services
    }

    /// True when nothing is attached (the datapath skips its lookups).
    public var isEmpty: Bool { ports.isEmpty && services.isEmpty }
}

/// A netdev the daemon makes for a mirror: a VLAN device over a port (RSPAN) or an ERSPAN type II
/// tunnel (ERSPAN).
public enum MirrorNetdev: Sendable, Hashable {
    /// `name`, tagging with `vlan`, over `port`.
    case vlan(name: String, port: String, vlan: UInt16)
    /// `name`, an ERSPAN tunnel from `source` to `remote` with session `session`.
    case erspan(name: String, remote: IPAddress, source: IPAddress, session: UInt16)

    /// The device's name.
    public var name: String {
        switch self {
        case .vlan(let name, _, _), .erspan(let name, _, _, _): name
        }
    }
}

/// Copies one mirror sent, and those the kernel refused.
public struct MirrorCounter: Sendable, Hashable {
    /// Copies sent.
    public var packets: UInt64
    /// Their bytes.
    public var bytes: UInt64
    /// Copies refused.
    public var failures: UInt64

    /// Creates a counter.
    public init(packets: UInt64 = 0, bytes: UInt64 = 0, failures: UInt64 = 0) {
        self.packets = packets
        self.bytes = bytes
        self.failures = failures
    }
}

/// What mirroring needs from the datapath and the host. `EBPFDatapath` plus `MirrorNetdevs` in
/// production, `InMemoryMirrorDatapath` in tests.
public protocol MirrorDatapath: Sendable {
    /// Makes the datapath hold exactly `attachments` (and turns its lookups off when empty).
    func applyMirrors(_ attachments: MirrorAttachments) async throws(DatapathError)
    /// Zeroes the counters of `id` (a new mirror).
    func resetMirrorCounters(id: UInt32) async throws(DatapathError)
    /// Copies sent by each mirror of `ids`.
    func mirrorCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: MirrorCounter]
    /// Makes `netdev` (replacing a device of its name) and brings it up; returns its ifindex.
    func makeNetdev(_ netdev: MirrorNetdev) async throws(DatapathError) -> UInt32
    /// Removes the device `name`; an absent one is not an error.
    func removeNetdev(_ name: String) async
    /// The ifindex of interface `name`, nil when there is none.
    func interfaceIndex(_ name: String) -> UInt32?
}
