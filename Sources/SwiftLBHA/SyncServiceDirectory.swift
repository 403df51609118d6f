import SwiftLBCore
import SwiftLBDatapath
import Synchronization

/// Service ids by key and back, for conntrack sync: ids are local to an instance, so a flow travels
/// with its service's key and the receiver stores it under its own id for that key (the peers are
/// given the same rules). Called from the sync thread for every flow sent or received, so lookups
/// must be cheap and must not wait on an actor.
public protocol SyncServiceDirectory: Sendable {
    /// The key that names service `id` to the peers (its primary key); nil when no service holds it.
    func serviceKey(forID id: UInt32) -> ServiceKey?
    /// The local id of the service matching `key`; nil when there is none.
    func serviceID(for key: ServiceKey) -> UInt32?
}

/// The datapath is the directory: the ids in its conntrack entries are the ids of its service map,
/// which the reconciler (the only writer) keeps current, so no second copy can lag behind it.
extension EBPFDatapath: SyncServiceDirectory {}

/// A directory held in memory (tests, and callers that know their services).
public final class StaticServiceDirectory: SyncServiceDirectory {
    private let entries: Mutex<[ServiceKey: UInt32]>

    public init(_ entries: [ServiceKey: UInt32] = [:]) {
        self.entries = Mutex(entries)
    }

    /// Adds or moves `key` to `id`.
    public func set(_ key: ServiceKey, id: UInt32) {
        entries.withLock { $0[key] = id }
    }

    public func serviceKey(forID id: UInt32) -> ServiceKey? {
        entries.withLock { entries in entries.filter { $0.value == id }.keys.min() }
    }

    public func serviceID(for key: ServiceKey) -> UInt32? {
        entries.withLock { $0[key] }
    }
}
