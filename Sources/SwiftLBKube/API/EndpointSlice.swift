/// A discovery.k8s.io/v1 EndpointSlice: some of a Service's endpoints (the label
/// `kubernetes.io/service-name` names the Service).
public struct EndpointSlice: KubeResource {
    /// `/apis/discovery.k8s.io/v1`.
    public static let apiPrefix = "/apis/discovery.k8s.io/v1"
    /// `discovery.k8s.io/v1`.
    public static let apiVersion = "discovery.k8s.io/v1"
    /// `EndpointSlice`.
    public static let kind = "EndpointSlice"
    /// `endpointslices`.
    public static let plural = "endpointslices"
    /// EndpointSlices are namespaced.
    public static let isNamespaced = true
    /// The label naming the Service a slice belongs to.
    public static let serviceNameLabel = "kubernetes.io/service-name"

    /// The slice's metadata.
    public var metadata: ObjectMeta
    /// The kind of every address in the slice.
    public var addressType: EndpointAddressType
    /// The endpoints; empty when the Service has none.
    public var endpoints: [Endpoint]
    /// The ports every endpoint serves; nil means all ports.
    public var ports: [EndpointPort]?

    /// Creates a slice.
    public init(
        metadata: ObjectMeta, addressType: EndpointAddressType, endpoints: [Endpoint] = [],
        ports: [EndpointPort]? = nil
    ) {
        self.metadata = metadata
        self.addressType = addressType
        self.endpoints = endpoints
        self.ports = ports
    }

    /// The Service the slice belongs to, from its `kubernetes.io/service-name` label.
    public var serviceKey: ObjectKey? {
        guard let name = metadata.labels?[Self.serviceNameLabel] else { return nil }
        return ObjectKey(namespace: metadata.namespace ?? "", name: name)
    }

    private enum CodingKeys: String, CodingKey {
        case metadata, addressType, endpoints, ports
    }

    /// Decodes a slice; `"endpoints": null` (the server's encoding of none) is none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        addressType = try container.decode(EndpointAddressType.self, forKey: .addressType)
        endpoints = try container.decodeIfPresent([Endpoint].self, forKey: .endpoints) ?? []
        ports = try container.decodeIfPresent([EndpointPort].self, forKey: .ports)
    }
}

/// An EndpointSlice's `addressType`.
public enum EndpointAddressType: String, Codable, Sendable, Hashable {
    /// IPv4 addresses.
    case ipv4 = "IPv4"
    /// IPv6 addresses.
    case ipv6 = "IPv6"
    /// Domain names.
    case fqdn = "FQDN"
}

/// One endpoint of an EndpointSlice.
public struct Endpoint: Codable, Sendable, Equatable {
    /// The endpoint's addresses (consumers use the first; all are fungible).
    public var addresses: [String]
    /// Readiness as the endpoints controller sees it.
    public var conditions: EndpointConditions?
    /// The node hosting the endpoint.
    public var nodeName: String?

    /// Creates an endpoint.
    public init(addresses: [String], conditions: EndpointConditions? = nil, nodeName: String? = nil) {
        self.addresses = addresses
        self.conditions = conditions
        self.nodeName = nodeName
    }
}

/// An endpoint's `conditions`; nil fields mean unknown.
public struct EndpointConditions: Codable, Sendable, Equatable {
    /// Ready to receive new traffic (nil means ready, per the API's documented default).
    public var ready: Bool?
    /// Serving, possibly while terminating.
    public var serving: Bool?
    /// Terminating.
    public var terminating: Bool?

    /// Creates conditions.
    public init(ready: Bool? = nil, serving: Bool? = nil, terminating: Bool? = nil) {
        self.ready = ready
        self.serving = serving
        self.terminating = terminating
    }
}

/// One entry of an EndpointSlice's `ports`.
public struct EndpointPort: Codable, Sendable, Equatable {
    /// The name, matching a Service port's name (empty or nil for a single unnamed port).
    public var name: String?
    /// The port number; nil means every port.
    public var port: Int?
    /// The protocol; nil means TCP.
    public var `protocol`: PortProtocol?

    /// Creates a port.
    public init(name: String? = nil, port: Int? = nil, protocol: PortProtocol? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
    }
}
