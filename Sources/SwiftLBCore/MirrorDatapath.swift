/// How a mirror's copies leave, as the datapath holds it.
public struct MirrorTarget: Sendable, Hashable {
    /// The mirror's id (its counters).
    public var id: UInt32
    /// Where and how the copies go.
    public var destination: Mirror.Destination
    /// SPAN, RSPAN: the ifindex of the mirror port (ERSPAN: 0, the FIB decides).
    public var ifindex: UInt32

    /// Creates a target.
    public init(id: UInt32, destination: Mirror.Destination, ifindex: UInt32) {
        self.id = id
        self.destination = destination
        self.ifindex = ifindex
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

/// What mirroring needs from the datapath: write attachments, read and clear counters, resolve
/// interface names. `EBPFDatapath` in production, `InMemoryMirrorDatapath` in tests.
public protocol MirrorDatapath: Sendable {
    /// Makes the datapath hold exactly `attachments` (and turns its lookups off when empty).
    func applyMirrors(_ attachments: MirrorAttachments) async throws(DatapathError)
    /// Zeroes the counters of `id` (a new mirror).
    func resetMirrorCounters(id: UInt32) async throws(DatapathError)
    /// Copies sent by each mirror of `ids`.
    func mirrorCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: MirrorCounter]
    /// The ifindex of interface `name`, nil when there is none.
    func interfaceIndex(_ name: String) -> UInt32?
}
