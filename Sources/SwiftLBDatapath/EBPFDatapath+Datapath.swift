import SwiftLBCore

/// The `Datapath` protocol over the kernel maps: each call runs the implementation beside it
/// (EBPFDatapath.swift) and classifies its error as a `DatapathError` (a full map is a limit).
extension EBPFDatapath {
    nonisolated(nonsending) public func upsert(_ service: DatapathService) async throws(DatapathError) {
        try classified { try program(service) }
    }

    public func remove(key: ServiceKey, id: UInt32) async throws(DatapathError) {
        try classified { try removeServices([(key: key, id: id)]) }
    }

    /// Removes the services' map entries, then sweeps the conntrack table once for the flows of all
    /// of them (about 5 ms for the default table).
    public func remove(_ services: [(key: ServiceKey, id: UInt32)]) async throws(DatapathError) {
        try classified { try removeServices(services) }
    }

    nonisolated(nonsending) public func retire(_ services: [(key: ServiceKey, id: UInt32)]) async throws(DatapathError)
    {
        try classified { try retireServices(services) }
    }

    public func purgeFlows(serviceIDs: Set<UInt32>) async throws(DatapathError) {
        try classified { try purgeServiceFlows(serviceIDs) }
    }

    public func purgeFlows(exceptServiceIDs kept: Set<UInt32>) async throws(DatapathError) {
        try classified { try purgeServiceFlows { !kept.contains($0) } }
    }

    public func programmedServices() async throws(DatapathError) -> [DatapathService] {
        try classified { try readServices() }
    }

    public func serviceCounters(id: UInt32) async throws(DatapathError) -> Counters {
        try classified { try readServiceCounters(id: id) }
    }

    public func endpointCounters(id: UInt32, count: Int) async throws(DatapathError) -> [Counters] {
        try classified { try readEndpointCounters(id: id, count: count) }
    }

    public func connections() async throws(DatapathError) -> [ConnectionEntry] {
        try classified { try readConnections() }
    }

    public func packetCounters() async throws(DatapathError) -> [String: UInt64] {
        try classified { PacketCounterNames.named(try globalCounters()) }
    }

    public func sweepConnections() async throws(DatapathError) -> ConnectionSweep {
        try classified { try sweep() }
    }

    public func refreshInterfaceAddresses() async throws(DatapathError) {
        try classified { _ = try syncInterfaceAddresses() }
    }

    private func classified<T>(_ body: () throws -> T) throws(DatapathError) -> T {
        do {
            return try body()
        } catch {
            throw DatapathError(error)
        }
    }
}
