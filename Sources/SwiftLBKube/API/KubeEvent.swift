import Foundation

/// A core/v1 Event, as swiftlb-kube posts them on the objects it acts on.
public struct KubeEvent: Codable, Sendable, Equatable {
    /// `v1`.
    public var apiVersion = "v1"
    /// `Event`.
    public var kind = "Event"
    /// The metadata: `generateName` and the namespace of the involved object.
    public var metadata: ObjectMeta
    /// The object the event is about.
    public var involvedObject: ObjectReference
    /// A short CamelCase reason (`IPAllocated`, `UnsupportedAnnotation`).
    public var reason: String
    /// A human-readable message.
    public var message: String
    /// `Normal` or `Warning`.
    public var type: KubeEventType
    /// The component that reported it.
    public var source: EventSource
    /// When the event first happened (RFC 3339, seconds).
    public var firstTimestamp: String
    /// When it last happened (RFC 3339, seconds).
    public var lastTimestamp: String
    /// How many times it happened.
    public var count: Int
    /// The component that reported it (the newer field for `source.component`).
    public var reportingComponent: String

    /// The component name swiftlb-kube reports as.
    public static let component = "swiftlb-kube"

    /// An event about `object` happening once at `date`, named `<object name>.<random suffix>` by the
    /// server and stored in the object's namespace (`default` for cluster-scoped objects).
    public init(
        on object: ObjectReference, type: KubeEventType, reason: String, message: String, date: Date = Date()
    ) {
        let namespace = object.namespace ?? "default"
        metadata = ObjectMeta(name: "", namespace: namespace, generateName: "\(object.name).")
        involvedObject = object
        self.reason = reason
        self.message = message
        self.type = type
        source = EventSource(component: Self.component)
        let stamp = date.formatted(.iso8601)
        firstTimestamp = stamp
        lastTimestamp = stamp
        count = 1
        reportingComponent = Self.component
    }
}

/// An Event's `type`.
public enum KubeEventType: String, Codable, Sendable, Hashable {
    /// Something expected happened.
    case normal = "Normal"
    /// Something the user should look at.
    case warning = "Warning"
}

/// An Event's `source`.
public struct EventSource: Codable, Sendable, Equatable {
    /// The reporting component.
    public var component: String

    /// Creates a source.
    public init(component: String) {
        self.component = component
    }
}

/// A reference to an object, as in an Event's `involvedObject`.
public struct ObjectReference: Codable, Sendable, Equatable {
    /// The kind (`Service`).
    public var kind: String
    /// The namespace; nil for cluster-scoped objects.
    public var namespace: String?
    /// The name.
    public var name: String
    /// The uid, so the event follows this incarnation of the object only.
    public var uid: String?
    /// The object's `apiVersion`.
    public var apiVersion: String?

    /// Creates a reference.
    public init(kind: String, namespace: String?, name: String, uid: String? = nil, apiVersion: String? = nil) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.apiVersion = apiVersion
    }

    /// A reference to `object`.
    public init<T: KubeResource>(_ object: T) {
        self.init(
            kind: T.kind, namespace: object.metadata.namespace, name: object.metadata.name,
            uid: object.metadata.uid, apiVersion: T.apiVersion)
    }
}
