/// One change the reconciler makes to a datapath.
public enum ReconcileOperation: Sendable, Hashable, CustomStringConvertible {
    /// Program (create or replace) this service.
    case upsert(DatapathService)
    /// Remove the service with this key from this slot.
    case remove(key: ServiceKey, id: UInt32)

    /// "upsert <id> <key>" or "remove <id> <key>", as `InMemoryDatapath.log` records it.
    public var description: String {
        switch self {
        case .upsert(let service): "upsert \(service.id) \(service.key)"
        case .remove(let key, let id): "remove \(id) \(key)"
        }
    }
}
