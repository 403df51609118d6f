import SwiftLBCore

/// One tracked flow direction as the active instance streams it to its peers: the conntrack
/// key and what the datapath keeps for it, field by field (not the C struct's bytes, so that
/// builds with another struct layout still understand each other).
///
/// Service ids are local to an instance, so the flow also names its service by key; the
/// receiver maps that key to its own id. Monotonic clocks differ between hosts, so the last
/// packet is sent as an age.
public struct SyncedFlow: Sendable, Hashable {
    /// The packet tuple as it arrives (the conntrack key).
    public var proto: UInt8
    public var source: IPAddress
    public var destination: IPAddress
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// The rewrite this direction applies.
    public var natSource: IPAddress
    public var natDestination: IPAddress
    public var natSourcePort: UInt16
    public var natDestinationPort: UInt16
    public var natFlags: UInt8
    /// The service the flow belongs to, by key.
    public var service: ServiceKey
    /// The endpoint slot of the service.
    public var endpointSlot: UInt16
    /// The conntrack state and direction (the datapath's enum values), FINs seen per direction.
    public var state: UInt8
    public var direction: UInt8
    public var finDirections: UInt8
    /// SCTP verification tag of this direction, 0 when unknown.
    public var verificationTag: UInt32
    /// Milliseconds since the flow's last packet, on the sender.
    public var idleMilliseconds: UInt32
    public var packets: UInt64
    public var bytes: UInt64

    public init(
        proto: UInt8, source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
        natSource: IPAddress, natDestination: IPAddress, natSourcePort: UInt16, natDestinationPort: UInt16,
        natFlags: UInt8, service: ServiceKey, endpointSlot: UInt16, state: UInt8, direction: UInt8,
        finDirections: UInt8 = 0, verificationTag: UInt32 = 0, idleMilliseconds: UInt32 = 0, packets: UInt64 = 0,
        bytes: UInt64 = 0
    ) {
        self.proto = proto
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.natSource = natSource
        self.natDestination = natDestination
        self.natSourcePort = natSourcePort
        self.natDestinationPort = natDestinationPort
        self.natFlags = natFlags
        self.service = service
        self.endpointSlot = endpointSlot
        self.state = state
        self.direction = direction
        self.finDirections = finDirections
        self.verificationTag = verificationTag
        self.idleMilliseconds = idleMilliseconds
        self.packets = packets
        self.bytes = bytes
    }
}

/// The key of a flow direction, for deletes.
public struct SyncedFlowKey: Sendable, Hashable {
    public var proto: UInt8
    public var source: IPAddress
    public var destination: IPAddress
    public var sourcePort: UInt16
    public var destinationPort: UInt16

    public init(proto: UInt8, source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16) {
        self.proto = proto
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
    }
}

/// A client a persist service remembers (slb_persist), as the active instance streams it: the
/// service by key, the client's address, its endpoint slot, and the time since its last new flow
/// as an age. A new MASTER then sends the client's next flows to the same endpoint.
public struct SyncedPersistence: Sendable, Hashable {
    public var service: ServiceKey
    public var client: IPAddress
    public var endpointSlot: UInt16
    /// Milliseconds since the client last opened a flow, on the sender.
    public var idleMilliseconds: UInt32

    public init(service: ServiceKey, client: IPAddress, endpointSlot: UInt16, idleMilliseconds: UInt32 = 0) {
        self.service = service
        self.client = client
        self.endpointSlot = endpointSlot
        self.idleMilliseconds = idleMilliseconds
    }
}

/// What flows between the active instance and a peer over the sync connection (docs/ha.md has
/// the wire format). A peer that connects gets `hello`, then a full snapshot
/// (`snapshotBegin`, `upsert`s, `snapshotEnd`), then changes as they happen.
public enum SyncMessage: Sendable, Hashable {
    /// The sender's role for one instance: sent when the connection opens and again on every change.
    case hello(HAAnnouncement)
    case snapshotBegin
    case upsert(SyncedFlow)
    case delete(SyncedFlowKey)
    case snapshotEnd(flows: UInt32)
    /// Sent when nothing else was for a while, so a silent peer is noticed.
    case keepalive
    /// A persist service's client, new or changed.
    case persistUpsert(SyncedPersistence)
    /// A persist service's client that is no longer remembered.
    case persistDelete(service: ServiceKey, client: IPAddress)
    /// With a shared key (`--ha-sync-key-file`), the first message each side sends: its nonce.
    case challenge(nonce: [UInt8])
    /// The answer to the peer's challenge (`SyncAuthenticator`); nothing else is accepted before it.
    case proof(code: [UInt8])
}
