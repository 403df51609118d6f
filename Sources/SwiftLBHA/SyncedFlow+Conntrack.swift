import SwiftLBABI
import SwiftLBCore
import SwiftLBDatapath

/// Translation between the datapath's conntrack entries (slb_ct_key, slb_ct_val) and the synced
/// form. Ports and the SCTP tag travel in host order; the next-hop cache stays behind (the
/// receiver's datapath looks its own route up on the first packet).
extension SyncedFlow {
    /// The synced form of entry `key`/`value`, whose service is `service`; `now` is CLOCK_MONOTONIC
    /// in nanoseconds, to turn the last-seen stamp into an age. Nil when an address has an unknown
    /// family (an entry read torn).
    public init?(key: slb_ct_key, value: slb_ct_val, service: ServiceKey, now: UInt64) {
        let natFamily = value.nat.family == 0 ? key.family : value.nat.family
        guard let source = IPAddress(abiWords: key.saddr, family: key.family),
            let destination = IPAddress(abiWords: key.daddr, family: key.family),
            let natSource = IPAddress(abiWords: value.nat.saddr, family: natFamily),
            let natDestination = IPAddress(abiWords: value.nat.daddr, family: natFamily)
        else { return nil }
        let idle = now > value.last_seen_ns ? (now - value.last_seen_ns) / 1_000_000 : 0
        self.init(
            proto: key.proto, source: source, destination: destination, sourcePort: UInt16(bigEndian: key.sport),
            destinationPort: UInt16(bigEndian: key.dport), natSource: natSource, natDestination: natDestination,
            natSourcePort: UInt16(bigEndian: value.nat.sport), natDestinationPort: UInt16(bigEndian: value.nat.dport),
            natFlags: value.nat.flags, service: service, endpointSlot: value.ep_idx, state: value.state,
            direction: value.dir, finDirections: value.fin_dirs, verificationTag: UInt32(bigEndian: value.vtag),
            idleMilliseconds: UInt32(clamping: idle), packets: value.packets, bytes: value.bytes)
    }

    /// The conntrack key of this direction.
    public var conntrackKey: slb_ct_key { key.conntrackKey }

    /// The key, for deletes.
    public var key: SyncedFlowKey {
        SyncedFlowKey(
            proto: proto, source: source, destination: destination, sourcePort: sourcePort,
            destinationPort: destinationPort)
    }

    /// The entry to store locally, with the receiver's `serviceID` for the flow's service and a
    /// last-seen stamp `idleMilliseconds` before `now` (CLOCK_MONOTONIC nanoseconds).
    public func conntrackValue(serviceID: UInt32, now: UInt64) -> slb_ct_val {
        var value = slb_ct_val()
        value.nat.saddr = natSource.abiWords
        value.nat.daddr = natDestination.abiWords
        value.nat.sport = natSourcePort.bigEndian
        value.nat.dport = natDestinationPort.bigEndian
        value.nat.flags = natFlags
        value.nat.family = natDestination.abiFamily
        let idle = UInt64(idleMilliseconds) * 1_000_000
        value.last_seen_ns = now > idle ? now - idle : 1
        value.packets = packets
        value.bytes = bytes
        value.svc_id = serviceID
        value.ep_idx = endpointSlot
        value.state = state
        value.dir = direction
        value.fin_dirs = finDirections
        value.vtag = verificationTag.bigEndian
        return value
    }
}

extension SyncedFlowKey {
    /// The synced form of a conntrack key; nil for an unknown family.
    public init?(_ key: slb_ct_key) {
        guard let source = IPAddress(abiWords: key.saddr, family: key.family),
            let destination = IPAddress(abiWords: key.daddr, family: key.family)
        else { return nil }
        self.init(
            proto: key.proto, source: source, destination: destination, sourcePort: UInt16(bigEndian: key.sport),
            destinationPort: UInt16(bigEndian: key.dport))
    }

    /// The conntrack key (padding zero, as the datapath builds keys).
    public var conntrackKey: slb_ct_key {
        var key = slb_ct_key()
        key.saddr = source.abiWords
        key.daddr = destination.abiWords
        key.sport = sourcePort.bigEndian
        key.dport = destinationPort.bigEndian
        key.proto = proto
        key.family = source.abiFamily
        return key
    }
}

extension SyncedPersistence {
    /// The synced form of persist entry `key`/`value` of `service`; nil for an unknown family.
    public init?(key: slb_persist_key, value: slb_persist_val, service: ServiceKey, now: UInt64) {
        guard let client = IPAddress(abiWords: key.addr, family: key.family) else { return nil }
        let idle = now > value.last_seen_ns ? (now - value.last_seen_ns) / 1_000_000 : 0
        self.init(service: service, client: client, endpointSlot: value.slot, idleMilliseconds: UInt32(clamping: idle))
    }

    /// The persist entry to store locally under the receiver's `serviceID`.
    public func persistEntry(serviceID: UInt32, now: UInt64) -> (key: slb_persist_key, value: slb_persist_val) {
        var value = slb_persist_val()
        let idle = UInt64(idleMilliseconds) * 1_000_000
        value.last_seen_ns = now > idle ? now - idle : 1
        value.slot = endpointSlot
        return (persistKey(serviceID: serviceID, client: client), value)
    }
}

/// The slb_persist key of `client` of service `serviceID`.
func persistKey(serviceID: UInt32, client: IPAddress) -> slb_persist_key {
    var key = slb_persist_key()
    key.svc_id = serviceID
    key.addr = client.abiWords
    key.family = client.abiFamily
    return key
}
