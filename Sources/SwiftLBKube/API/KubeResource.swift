/// A Kubernetes kind that can be listed and watched: where its collection lives in the API and
/// its metadata.
public protocol KubeResource: Codable, Sendable, Equatable {
    /// The API group and version prefix: `/api/v1` for the core group, `/apis/GROUP/VERSION` otherwise.
    static var apiPrefix: String { get }
    /// The `apiVersion` of the kind: `v1` or `GROUP/VERSION`.
    static var apiVersion: String { get }
    /// The kind, as in `kind` and in an Event's `involvedObject.kind`.
    static var kind: String { get }
    /// The lower-case plural resource name in paths (`services`).
    static var plural: String { get }
    /// Whether objects live in namespaces (false for Nodes).
    static var isNamespaced: Bool { get }
    /// The object's metadata.
    var metadata: ObjectMeta { get }
}

extension KubeResource {
    /// The object's namespace and name.
    public var key: ObjectKey { ObjectKey(metadata) }

    /// The collection path: across all namespaces when `namespace` is nil or the kind is cluster-scoped.
    public static func collectionPath(namespace: String? = nil) -> String {
        if isNamespaced, let namespace {
            return "\(apiPrefix)/namespaces/\(namespace)/\(plural)"
        }
        return "\(apiPrefix)/\(plural)"
    }

    /// The path of one object.
    public static func objectPath(_ key: ObjectKey) -> String {
        "\(collectionPath(namespace: isNamespaced ? key.namespace : nil))/\(key.name)"
    }
}
