/// The only writer of services into the datapath. The rule store hands it the desired services
/// (health, and later HA role and policy, already applied); it writes what differs from what it
/// applied last, and rolls a batch of writes back when the batch cannot be persisted.
///
/// It diffs against its own record of what it applied rather than reading the datapath back: a
/// diff costs a dictionary lookup, and a write that failed leaves the old record, so the next sync
/// of that service retries it. Only a full `reconcile` reads the datapath (start-up, where a
/// previous instance's services are there).
///
/// Fullproxy services are recorded but never written: the L7 proxy serves them from userspace, and
/// a datapath entry would translate their packets before the proxy's socket saw them.
///
/// Owned by one actor (the rule store); its methods run on that actor's executor.
public final class Reconciler {
    /// The datapath being driven.
    public let datapath: any Datapath
    /// What the datapath holds, as far as this reconciler wrote it, by service id.
    public private(set) var applied: [UInt32: DatapathService] = [:]
    /// The open batch (`begin()`): each id it touched, with its service before the batch (nil: none).
    private var journal: [UInt32: DatapathService?]?

    /// Creates a reconciler for `datapath`, which it assumes empty until `reconcile` reads it.
    public init(datapath: any Datapath) {
        self.datapath = datapath
    }

    /// The operations that turn `programmed` into `desired`. With `reprogramUnchanged`, services that
    /// already match are upserted too (start-up does this, so a new datapath build rewrites its tables).
    /// Stale services (a slot whose key is not desired there) are removed first, so that a key moving
    /// to another slot never exists twice; then new and changed services are upserted, in key order.
    public static func plan(
        desired: [DatapathService], programmed: [DatapathService], reprogramUnchanged: Bool = false
    ) -> [ReconcileOperation] {
        let desiredByID = Dictionary(desired.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let programmedByID = Dictionary(programmed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let removals = programmed.sorted { $0.key < $1.key }
            .filter { desiredByID[$0.id]?.key != $0.key }
            .map { ReconcileOperation.remove(key: $0.key, id: $0.id) }
        let upserts = desired.sorted { $0.key < $1.key }
            .filter { reprogramUnchanged || programmedByID[$0.id] != $0 }
            .map(ReconcileOperation.upsert)
        return removals + upserts
    }

    /// Reads what the datapath holds and brings it to `desired`; returns the operations applied.
    /// On a failure the operations applied so far are undone and the error names the one that
    /// failed.
    @discardableResult
    nonisolated(nonsending) public func reconcile(
        desired: [DatapathService], reprogramUnchanged: Bool = false
    ) async throws(ReconcileError) -> [ReconcileOperation] {
        let programmed: [DatapathService]
        do {
            programmed = try await datapath.programmedServices()
        } catch {
            throw ReconcileError(operation: nil, applied: 0, reason: "\(error)")
        }
        applied = Dictionary(programmed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return try await replace(
            desired: desired,
            operations: Self.plan(desired: desired, programmed: programmed, reprogramUnchanged: reprogramUnchanged))
    }

    /// Brings the datapath from what was applied to `desired` (an import); on a failure the
    /// operations applied so far are undone.
    @discardableResult
    nonisolated(nonsending) public func replace(desired: [DatapathService]) async throws(ReconcileError)
        -> [ReconcileOperation]
    {
        try await replace(
            desired: desired, operations: Self.plan(desired: desired, programmed: Array(applied.values)))
    }

    nonisolated(nonsending) private func replace(desired: [DatapathService], operations: [ReconcileOperation])
        async throws(ReconcileError) -> [ReconcileOperation]
    {
        let outer = journal
        journal = [:]
        defer { journal = outer.map { merge(into: $0) } }
        for (index, operation) in operations.enumerated() {
            do {
                switch operation {
                case .upsert(let service): try await write(service)
                case .remove(let key, let id): try await remove(key: key, id: id)
                }
            } catch {
                let undone = await rollback().map { "rolling back failed too at \($0)" } ?? "rolled back"
                throw ReconcileError(operation: operation, applied: index, reason: "\(error); \(undone)")
            }
        }
        return operations
    }

    /// Starts a batch: every write until `commit()` or `rollback()` can be undone together.
    public func begin() {
        journal = [:]
    }

    /// Ends the batch, keeping its writes.
    public func commit() {
        journal = nil
    }

    /// Writes `service` unless the datapath already holds it; true when it wrote. A failed write
    /// changes nothing (the `Datapath` contract).
    @discardableResult
    nonisolated(nonsending) public func sync(_ service: DatapathService) async throws(DatapathError) -> Bool {
        guard applied[service.id] != service else { return false }
        try await write(service)
        return true
    }

    /// Takes `services` out of the datapath without sweeping their flows (`Datapath.retire`); the
    /// caller purges them later (`purge`). On a failure they are written back and the error rethrown.
    nonisolated(nonsending) public func retire(_ services: [(key: ServiceKey, id: UInt32)]) async throws(DatapathError)
    {
        let programmed = services.filter { applied[$0.id]?.mode != .fullProxy }
        do {
            if !programmed.isEmpty { try await datapath.retire(programmed) }
        } catch {
            // Some may be gone already: put every one back.
            for service in services { if let old = applied[service.id] { try? await datapath.upsert(old) } }
            throw error
        }
        for service in services { record(service.id, nil) }
    }

    /// Deletes the tracked flows of retired ids.
    nonisolated(nonsending) public func purge(serviceIDs: Set<UInt32>) async throws(DatapathError) {
        try await datapath.purgeFlows(serviceIDs: serviceIDs)
    }

    /// Deletes the tracked flows of every id not in `kept` (start-up).
    nonisolated(nonsending) public func purge(exceptServiceIDs kept: Set<UInt32>) async throws(DatapathError) {
        try await datapath.purgeFlows(exceptServiceIDs: kept)
    }

    /// Undoes the open batch's writes, one after the other, and ends the batch. Returns nil when the
    /// datapath is back as it was, else the operation that failed and why (it stops there).
    nonisolated(nonsending) public func rollback() async -> String? {
        let touched = journal ?? [:]
        journal = nil
        var removals: [ReconcileOperation] = []
        var upserts: [ReconcileOperation] = []
        for (id, before) in touched where applied[id] != before {
            if let now = applied[id], now.key != before?.key { removals.append(.remove(key: now.key, id: id)) }
            if let before { upserts.append(.upsert(before)) }
        }
        for operation in removals.sorted(by: Self.byKey) + upserts.sorted(by: Self.byKey) {
            do {
                switch operation {
                case .upsert(let service): try await write(service)
                case .remove(let key, let id): try await remove(key: key, id: id)
                }
            } catch {
                return "\(operation) (\(error))"
            }
        }
        return nil
    }

    nonisolated(nonsending) private func write(_ service: DatapathService) async throws(DatapathError) {
        if let old = applied[service.id], old.mode != .fullProxy, service.mode == .fullProxy {
            try await datapath.remove(key: old.key, id: service.id)
        }
        if service.mode != .fullProxy { try await datapath.upsert(service) }
        record(service.id, service)
    }

    nonisolated(nonsending) private func remove(key: ServiceKey, id: UInt32) async throws(DatapathError) {
        if applied[id]?.mode != .fullProxy { try await datapath.remove(key: key, id: id) }
        record(id, nil)
    }

    // Notes the id's state before the batch's first write to it, then the new state.
    private func record(_ id: UInt32, _ service: DatapathService?) {
        if journal != nil, journal?[id] == nil { journal?[id] = .some(applied[id]) }
        applied[id] = service
    }

    // A nested batch's touches join the outer one, which keeps the older "before".
    private func merge(into outer: [UInt32: DatapathService?]) -> [UInt32: DatapathService?] {
        outer.merging(journal ?? [:]) { older, _ in older }
    }

    private static func byKey(_ lhs: ReconcileOperation, _ rhs: ReconcileOperation) -> Bool {
        lhs.key < rhs.key
    }
}

extension ReconcileOperation {
    /// The service key the operation writes.
    var key: ServiceKey {
        switch self {
        case .upsert(let service): service.key
        case .remove(let key, _): key
        }
    }
}
