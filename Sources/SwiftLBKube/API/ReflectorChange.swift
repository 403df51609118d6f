/// What a ``Reflector`` reports to its consumer.
public enum ReflectorChange<T: KubeResource>: Sendable, Equatable {
    /// A full list completed: the complete current set, sorted by key. The consumer replaces its
    /// cache with it, so objects deleted while the watch was down disappear and none is duplicated.
    case synced([T])
    /// An object was added or changed.
    case upserted(T)
    /// An object was deleted; this is its last known state.
    case deleted(T)
}
