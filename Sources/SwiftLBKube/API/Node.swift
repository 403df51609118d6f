/// A core/v1 Node with its labels, schedulability, addresses and conditions.
public struct Node: KubeResource {
    /// `/api/v1`.
    public static let apiPrefix = "/api/v1"
    /// `v1`.
    public static let apiVersion = "v1"
    /// `Node`.
    public static let kind = "Node"
    /// `nodes`.
    public static let plural = "nodes"
    /// Nodes are cluster-scoped.
    public static let isNamespaced = false

    /// The Node's metadata (labels).
    public var metadata: ObjectMeta
    /// The desired state.
    public var spec: NodeSpec?
    /// The observed state: addresses and conditions.
    public var status: NodeStatus?

    /// Creates a Node.
    public init(metadata: ObjectMeta, spec: NodeSpec? = nil, status: NodeStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// Whether the `Ready` condition is `True`; false when it is absent, `False` or `Unknown`.
    public var isReady: Bool {
        status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
    }

    /// The addresses of one type, in the order the kubelet reported them.
    public func addresses(ofType type: NodeAddressType) -> [String] {
        (status?.addresses ?? []).filter { $0.type == type }.map(\.address)
    }
}

/// A Node's `spec`.
public struct NodeSpec: Codable, Sendable, Equatable {
    /// Cordoned: no new pods are scheduled.
    public var unschedulable: Bool?

    /// Creates a spec.
    public init(unschedulable: Bool? = nil) {
        self.unschedulable = unschedulable
    }
}

/// A Node's `status`.
public struct NodeStatus: Codable, Sendable, Equatable {
    /// The Node's addresses.
    public var addresses: [NodeAddress]?
    /// The Node's conditions (`Ready`, `MemoryPressure`, ...).
    public var conditions: [NodeCondition]?

    /// Creates a status.
    public init(addresses: [NodeAddress]? = nil, conditions: [NodeCondition]? = nil) {
        self.addresses = addresses
        self.conditions = conditions
    }
}

/// The type of a Node address; an open set (kubelets also report `InternalDNS` and `ExternalDNS`).
public struct NodeAddressType: RawRepresentable, Codable, Sendable, Hashable {
    /// The type's name as in the JSON.
    public var rawValue: String

    /// Wraps a type name.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// An address routable within the cluster.
    public static let internalIP = NodeAddressType(rawValue: "InternalIP")
    /// An address routable from outside the cluster.
    public static let externalIP = NodeAddressType(rawValue: "ExternalIP")
    /// The Node's host name.
    public static let hostname = NodeAddressType(rawValue: "Hostname")
}

/// One entry of a Node's `status.addresses`.
public struct NodeAddress: Codable, Sendable, Equatable {
    /// The address's type.
    public var type: NodeAddressType
    /// The address.
    public var address: String

    /// Creates an address.
    public init(type: NodeAddressType, address: String) {
        self.type = type
        self.address = address
    }
}

/// One entry of a Node's `status.conditions`.
public struct NodeCondition: Codable, Sendable, Equatable {
    /// The condition (`Ready`, ...).
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String

    /// Creates a condition.
    public init(type: String, status: String) {
        self.type = type
        self.status = status
    }
}
