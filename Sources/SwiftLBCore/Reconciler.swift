/// Brings a datapath to a desired set of services with as few operations as possible.
///
/// Stale services (a slot whose key is not desired there) are removed first, so that a key moving
/// to another slot never exists twice; then new and changed services are upserted, in key order.
public struct Reconciler: Sendable {
    /// The datapath being driven.
    public let datapath: any Datapath

    /// Creates a reconciler for `datapath`.
    public init(datapath: any Datapath) {
        self.datapath = datapath
    }

    /// The operations that turn `programmed` into `desired`. With `reprogramUnchanged`, services that
    /// already match are upserted too (start-up does this, so a new datapath build rewrites its tables).
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

    /// Reads what is programmed, then applies `plan`; returns the operations applied.
    /// Stops at the first failure, which names the operation and how many were applied before it.
    @discardableResult
    public func reconcile(
        desired: [DatapathService], reprogramUnchanged: Bool = false
    ) async throws(ReconcileError) -> [ReconcileOperation] {
        let programmed: [DatapathService]
        do {
            programmed = try await datapath.programmedServices()
        } catch {
            throw ReconcileError(operation: nil, applied: 0, reason: "\(error)")
        }
        let operations = Self.plan(desired: desired, programmed: programmed, reprogramUnchanged: reprogramUnchanged)
        for (index, operation) in operations.enumerated() {
            do {
                switch operation {
                case .upsert(let service): try await datapath.upsert(service)
                case .remove(let key, let id): try await datapath.remove(key: key, id: id)
                }
            } catch {
                throw ReconcileError(operation: operation, applied: index, reason: "\(error)")
            }
        }
        return operations
    }
}
