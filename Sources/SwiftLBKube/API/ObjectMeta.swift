/// The `metadata` of a Kubernetes object, with only the fields swiftlb-kube reads or writes.
///
/// A missing `name` decodes as the empty string (list metadata and objects created with
/// `generateName` have none); an empty `name` is left out when encoding.
public struct ObjectMeta: Codable, Sendable, Equatable {
    /// The object's name, unique per namespace and kind; empty when the server is to generate it.
    public var name: String
    /// The namespace; nil for cluster-scoped objects such as Nodes.
    public var namespace: String?
    /// The server-assigned unique id.
    public var uid: String?
    /// The version the server last stored; opaque, compared only for equality.
    public var resourceVersion: String?
    /// The generation of the desired state (spec), bumped by the server on spec changes.
    public var generation: Int?
    /// The object's labels.
    public var labels: [String: String]?
    /// The object's annotations.
    public var annotations: [String: String]?
    /// When deletion was requested (RFC 3339); set while finalizers hold the object.
    public var deletionTimestamp: String?
    /// The prefix the server completes into a unique name when `name` is empty.
    public var generateName: String?

    /// Creates metadata; every field but the name is optional.
    public init(
        name: String, namespace: String? = nil, uid: String? = nil, resourceVersion: String? = nil,
        generation: Int? = nil, labels: [String: String]? = nil, annotations: [String: String]? = nil,
        deletionTimestamp: String? = nil, generateName: String? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.labels = labels
        self.annotations = annotations
        self.deletionTimestamp = deletionTimestamp
        self.generateName = generateName
    }

    private enum CodingKeys: String, CodingKey {
        case name, namespace, uid, resourceVersion, generation, labels, annotations, deletionTimestamp, generateName
    }

    /// Decodes the metadata, ignoring fields not modelled here.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        uid = try container.decodeIfPresent(String.self, forKey: .uid)
        resourceVersion = try container.decodeIfPresent(String.self, forKey: .resourceVersion)
        generation = try container.decodeIfPresent(Int.self, forKey: .generation)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations)
        deletionTimestamp = try container.decodeIfPresent(String.self, forKey: .deletionTimestamp)
        generateName = try container.decodeIfPresent(String.self, forKey: .generateName)
    }

    /// Encodes the metadata; an empty name and nil fields are left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !name.isEmpty { try container.encode(name, forKey: .name) }
        try container.encodeIfPresent(namespace, forKey: .namespace)
        try container.encodeIfPresent(uid, forKey: .uid)
        try container.encodeIfPresent(resourceVersion, forKey: .resourceVersion)
        try container.encodeIfPresent(generation, forKey: .generation)
        try container.encodeIfPresent(labels, forKey: .labels)
        try container.encodeIfPresent(annotations, forKey: .annotations)
        try container.encodeIfPresent(deletionTimestamp, forKey: .deletionTimestamp)
        try container.encodeIfPresent(generateName, forKey: .generateName)
    }
}
