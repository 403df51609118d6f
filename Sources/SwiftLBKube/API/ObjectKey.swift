/// The identity of a Kubernetes object within its kind: namespace and name.
///
/// Cluster-scoped objects (Nodes) have the empty namespace.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The namespace, empty for cluster-scoped objects.
    public var namespace: String
    /// The name.
    public var name: String

    /// Creates a key from its parts.
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// The key of the object with this metadata (a missing namespace becomes the empty one).
    public init(_ meta: ObjectMeta) {
        self.init(namespace: meta.namespace ?? "", name: meta.name)
    }

    /// `namespace/name`, or just `name` for cluster-scoped objects, as kubectl prints it.
    public var description: String {
        namespace.isEmpty ? name : "\(namespace)/\(name)"
    }

    /// Orders by namespace, then name.
    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}
