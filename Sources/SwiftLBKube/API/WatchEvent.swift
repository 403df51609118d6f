/// One event of a watch stream: `{"type": ..., "object": ...}`.
///
/// A `BOOKMARK` carries only a resource version and an `ERROR` a ``KubeStatus``, so neither is
/// decoded as a `T`.
public enum WatchEvent<T: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// An object was created (or existed when the watch started).
    case added(T)
    /// An object changed.
    case modified(T)
    /// An object was deleted; the object is its last state.
    case deleted(T)
    /// Nothing changed, but the watch has progressed to this version: resume from it.
    case bookmark(resourceVersion: String)
    /// The watch failed; code 410 means the version is too old and the caller must list again.
    case error(KubeStatus)

    private enum CodingKeys: String, CodingKey {
        case type, object
    }

    private struct Bookmark: Codable {
        struct Metadata: Codable { var resourceVersion: String }
        var metadata: Metadata
    }

    /// Decodes an event; an unknown `type` is a decoding error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "ADDED": self = .added(try container.decode(T.self, forKey: .object))
        case "MODIFIED": self = .modified(try container.decode(T.self, forKey: .object))
        case "DELETED": self = .deleted(try container.decode(T.self, forKey: .object))
        case "BOOKMARK":
            let bookmark = try container.decode(Bookmark.self, forKey: .object)
            self = .bookmark(resourceVersion: bookmark.metadata.resourceVersion)
        case "ERROR": self = .error(try container.decode(KubeStatus.self, forKey: .object))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown watch event type \(type)")
        }
    }

    /// Encodes the event as the API server does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .added(let object):
            try container.encode("ADDED", forKey: .type)
            try container.encode(object, forKey: .object)
        case .modified(let object):
            try container.encode("MODIFIED", forKey: .type)
            try container.encode(object, forKey: .object)
        case .deleted(let object):
            try container.encode("DELETED", forKey: .type)
            try container.encode(object, forKey: .object)
        case .bookmark(let resourceVersion):
            try container.encode("BOOKMARK", forKey: .type)
            try container.encode(Bookmark(metadata: .init(resourceVersion: resourceVersion)), forKey: .object)
        case .error(let status):
            try container.encode("ERROR", forKey: .type)
            try container.encode(status, forKey: .object)
        }
    }
}
