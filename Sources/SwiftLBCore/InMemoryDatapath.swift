/// A `Datapath` in memory, for tests of everything above the kernel.
///
/// It is stricter than it needs to be: an upsert whose id or key is already held by another
/// service is refused, so callers that mix up slots fail loudly. It can be told to fail the next
/// call, its counters and connections are set by the test, and `dump()` prints its state as text.
public actor InMemoryDatapath: Datapath {
    /// Which calls an injected failure applies to.
    public enum Call: Sendable, Hashable {
        /// `upsert(_:)`.
        case upsert
        /// `remove(key:id:)`.
        case remove
        /// Any of the reading calls.
        case read
        /// Whatever call comes next.
        case any
    }

    private var services: [UInt32: DatapathService] = [:]
    private var serviceCounterValues: [UInt32: Counters] = [:]
    private var endpointCounterValues: [UInt32: [Counters]] = [:]
    private var liveConnections: [ConnectionEntry] = []
    private var packetCounterValues: [String: UInt64] = [:]
    /// Injected failures: the kind of call, and how many such calls succeed before it.
    private var pendingFailures: [(call: Call, after: Int)] = []

    /// The ids each `purgeFlows(exceptServiceIDs:)` kept, in order.
    public private(set) var keptByPurges: [Set<UInt32>] = []

    /// The ids whose flows `purgeFlows(serviceIDs:)` deleted, in order.
    public private(set) var purgedIDs: [UInt32] = []

    /// Every successful mutating call, in order: "upsert <id> <key>" or "remove <id> <key>".
    public private(set) var log: [String] = []

    /// Creates a datapath already holding `services`, as if programmed by an earlier run.
    public init(services: [DatapathService] = []) {
        for service in services { self.services[service.id] = service }
    }

    /// Makes the next call of kind `call` (after `after` such calls succeeded) throw
    /// `InMemoryDatapathError.injected` (as a `DatapathError`) and change nothing: `after` fails a reconciliation mid-way.
    public func failNext(_ call: Call = .any, after: Int = 0) {
        pendingFailures.append((call, after))
    }

    /// Sets the counters `serviceCounters(id:)` reports.
    public func setServiceCounters(_ counters: Counters, id: UInt32) {
        serviceCounterValues[id] = counters
    }

    /// Sets the per-endpoint counters `endpointCounters(id:count:)` reports.
    public func setEndpointCounters(_ counters: [Counters], id: UInt32) {
        endpointCounterValues[id] = counters
    }

    /// Sets the connections `connections()` reports.
    public func setConnections(_ connections: [ConnectionEntry]) {
        liveConnections = connections
    }

    /// Sets the counters `packetCounters()` reports.
    public func setPacketCounters(_ counters: [String: UInt64]) {
        packetCounterValues = counters
    }

    /// Programs `service`, refusing slot or key clashes with other services.
    public func upsert(_ service: DatapathService) throws(DatapathError) {
        try consumeFailure(.upsert)
        guard service.id < Limits.maxServices else {
            throw DatapathError(InMemoryDatapathError.idOutOfRange(service.id))
        }
        guard service.endpoints.count <= Limits.maxEndpointsPerService else {
            throw DatapathError(InMemoryDatapathError.tooManyEndpoints(service.endpoints.count))
        }
        if let holder = services[service.id], holder.key != service.key {
            throw DatapathError(InMemoryDatapathError.idInUse(service.id, by: holder.key))
        }
        let wanted = Set(service.matchKeys)
        for holder in services.values where holder.id != service.id {
            if let clash = holder.matchKeys.first(where: wanted.contains) {
                throw DatapathError(InMemoryDatapathError.keyInUse(clash, byID: holder.id))
            }
        }
        if services[service.id]?.endpoints != service.endpoints { endpointCounterValues[service.id] = nil }
        services[service.id] = service
        log.append("upsert \(service.id) \(service.key)")
    }

    /// Removes the service in slot `id` if it has `key`.
    public func remove(key: ServiceKey, id: UInt32) throws(DatapathError) {
        try consumeFailure(.remove)
        guard services[id]?.key == key else { return }
        services[id] = nil
        serviceCounterValues[id] = nil
        endpointCounterValues[id] = nil
        log.append("remove \(id) \(key)")
    }

    /// Removes each service like `remove(key:id:)`; the fake's connections stay until the purge.
    public func retire(_ services: [(key: ServiceKey, id: UInt32)]) throws(DatapathError) {
        for service in services {
            try consumeFailure(.remove)
            guard self.services[service.id]?.key == service.key else { continue }
            self.services[service.id] = nil
            serviceCounterValues[service.id] = nil
            endpointCounterValues[service.id] = nil
            log.append("remove \(service.id) \(service.key)")
        }
    }

    /// Drops the connections of `serviceIDs` and records the purge in `purgedIDs`.
    public func purgeFlows(serviceIDs: Set<UInt32>) throws(DatapathError) {
        try consumeFailure(.remove)
        liveConnections.removeAll { serviceIDs.contains($0.serviceID) }
        purgedIDs.append(contentsOf: serviceIDs.sorted())
    }

    /// Drops the connections of every id not in `kept` and records `kept` in `keptByPurges`.
    public func purgeFlows(exceptServiceIDs kept: Set<UInt32>) throws(DatapathError) {
        try consumeFailure(.remove)
        liveConnections.removeAll { !kept.contains($0.serviceID) }
        keptByPurges.append(kept)
    }

    /// The programmed services, sorted by key.
    public func programmedServices() throws(DatapathError) -> [DatapathService] {
        try consumeFailure(.read)
        return services.values.sorted { $0.key < $1.key }
    }

    /// The counters set for `id`, zero when none were set.
    public func serviceCounters(id: UInt32) throws(DatapathError) -> Counters {
        try consumeFailure(.read)
        return serviceCounterValues[id] ?? .zero
    }

    /// The endpoint counters set for `id`, padded with zeros (or cut) to `count`.
    public func endpointCounters(id: UInt32, count: Int) throws(DatapathError) -> [Counters] {
        try consumeFailure(.read)
        let known = endpointCounterValues[id] ?? []
        return (0..<max(count, 0)).map { $0 < known.count ? known[$0] : .zero }
    }

    /// The connections set by the test.
    public func connections() throws(DatapathError) -> [ConnectionEntry] {
        try consumeFailure(.read)
        return liveConnections
    }

    /// The packet counters set by the test; empty when none were set.
    public func packetCounters() throws(DatapathError) -> [String: UInt64] {
        try consumeFailure(.read)
        return packetCounterValues
    }

    /// Records the sweep; the fake tracks no flows, so nothing is removed or recounted.
    public func sweepConnections() throws(DatapathError) -> ConnectionSweep {
        try consumeFailure(.read)
        log.append("sweep")
        return ConnectionSweep(removed: 0, recounted: 0)
    }

    /// Records the refresh; the fake has no interfaces.
    public func refreshInterfaceAddresses() throws(DatapathError) {
        try consumeFailure(.read)
        log.append("refresh interface addresses")
    }

    /// The programmed state, one line per service sorted by key, e.g.
    /// `svc 3 10.0.0.1:80/tcp sel=rr mode=default eps=[10.0.1.1:8080 w1, 10.0.1.2:8080 w2]`.
    public func dump() -> String {
        services.values.sorted { $0.key < $1.key }.map(Self.line).joined(separator: "\n")
    }

    static func line(_ service: DatapathService) -> String {
        let endpoints = service.endpoints.map {
            "\($0.address):\($0.port) w\($0.weight)\($0.active ? "" : " inactive")"
        }.joined(separator: ", ")
        let timeout = service.inactiveTimeout == 0 ? "" : " timeout=\(service.inactiveTimeout)"
        let range = service.portMax > service.key.port ? " ports=\(service.key.port)-\(service.portMax)" : ""
        let secondaries =
            service.secondaryVIPs.isEmpty
            ? "" : " secondary=[\(service.secondaryVIPs.map(\.description).joined(separator: ", "))]"
        let allowed =
            service.allowedSources.isEmpty
            ? "" : " allow=[\(service.allowedSources.map(\.description).joined(separator: ", "))]"
        return "svc \(service.id) \(service.key) sel=\(service.selection.name) mode=\(service.mode.name)\(timeout)"
            + "\(range)\(secondaries)\(allowed) eps=[\(endpoints)]"
    }

    private func consumeFailure(_ call: Call) throws(DatapathError) {
        guard let index = pendingFailures.firstIndex(where: { $0.call == call || $0.call == .any }) else { return }
        guard pendingFailures[index].after == 0 else {
            pendingFailures[index].after -= 1
            return
        }
        pendingFailures.remove(at: index)
        throw DatapathError(InMemoryDatapathError.injected(call))
    }
}
