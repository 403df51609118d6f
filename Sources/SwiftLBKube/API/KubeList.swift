/// A list response (`ServiceList`, ...): the items and the version to watch from.
public struct KubeList<T: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// The list's metadata.
    public var metadata: ListMeta
    /// The objects; `"items": null` decodes as none.
    public var items: [T]

    /// Creates a list.
    public init(metadata: ListMeta = ListMeta(), items: [T]) {
        self.metadata = metadata
        self.items = items
    }

    private enum CodingKeys: String, CodingKey {
        case metadata, items
    }

    /// Decodes a list; missing metadata or items are empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        items = try container.decodeIfPresent([T].self, forKey: .items) ?? []
    }
}

/// A list's `metadata`.
public struct ListMeta: Codable, Sendable, Equatable {
    /// The collection's version when listed: watching from it misses no change.
    public var resourceVersion: String?
    /// The token for the next page; nil or empty on the last page.
    public var `continue`: String?

    /// Creates list metadata.
    public init(resourceVersion: String? = nil, continue: String? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
    }
}
