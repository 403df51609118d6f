/// A core/v1 Service with the fields swiftlb-kube reads: its type, ports, load-balancer class and
/// address requests, and the load-balancer status it writes.
public struct Service: KubeResource {
    /// `/api/v1`.
    public static let apiPrefix = "/api/v1"
    /// `v1`.
    public static let apiVersion = "v1"
    /// `Service`.
    public static let kind = "Service"
    /// `services`.
    public static let plural = "services"
    /// Services are namespaced.
    public static let isNamespaced = true

    /// The Service's metadata.
    public var metadata: ObjectMeta
    /// The desired state.
    public var spec: ServiceSpec
    /// The observed state; nil when the server sent none.
    public var status: ServiceStatus?

    /// Creates a Service.
    public init(metadata: ObjectMeta, spec: ServiceSpec, status: ServiceStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// A Service's `spec`.
public struct ServiceSpec: Codable, Sendable, Equatable {
    /// `ClusterIP` (the default), `NodePort`, `LoadBalancer` or `ExternalName`.
    public var type: ServiceType
    /// The ports; empty for headless or ExternalName Services.
    public var ports: [ServicePort]
    /// The load-balancer implementation that should serve this Service; nil means the default one.
    public var loadBalancerClass: String?
    /// The requested load-balancer address (deprecated upstream, still used).
    public var loadBalancerIP: String?
    /// `IPv4` and/or `IPv6`, in order of preference.
    public var ipFamilies: [String]?
    /// `SingleStack`, `PreferDualStack` or `RequireDualStack`.
    public var ipFamilyPolicy: String?
    /// The cluster-internal address, or `None` for headless Services.
    public var clusterIP: String?
    /// `Cluster` or `Local`: whether nodes without a ready local endpoint should receive traffic.
    public var externalTrafficPolicy: String?
    /// Client prefixes allowed to reach the load balancer; nil or empty means all.
    public var loadBalancerSourceRanges: [String]?

    /// Creates a spec.
    public init(
        type: ServiceType = .clusterIP, ports: [ServicePort] = [], loadBalancerClass: String? = nil,
        loadBalancerIP: String? = nil, ipFamilies: [String]? = nil, ipFamilyPolicy: String? = nil,
        clusterIP: String? = nil, externalTrafficPolicy: String? = nil, loadBalancerSourceRanges: [String]? = nil
    ) {
        self.type = type
        self.ports = ports
        self.loadBalancerClass = loadBalancerClass
        self.loadBalancerIP = loadBalancerIP
        self.ipFamilies = ipFamilies
        self.ipFamilyPolicy = ipFamilyPolicy
        self.clusterIP = clusterIP
        self.externalTrafficPolicy = externalTrafficPolicy
        self.loadBalancerSourceRanges = loadBalancerSourceRanges
    }

    private enum CodingKeys: String, CodingKey {
        case type, ports, loadBalancerClass, loadBalancerIP, ipFamilies, ipFamilyPolicy, clusterIP
        case externalTrafficPolicy, loadBalancerSourceRanges
    }

    /// Decodes a spec; a missing `type` is `ClusterIP` and missing `ports` are none, as the server defaults them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(ServiceType.self, forKey: .type) ?? .clusterIP
        ports = try container.decodeIfPresent([ServicePort].self, forKey: .ports) ?? []
        loadBalancerClass = try container.decodeIfPresent(String.self, forKey: .loadBalancerClass)
        loadBalancerIP = try container.decodeIfPresent(String.self, forKey: .loadBalancerIP)
        ipFamilies = try container.decodeIfPresent([String].self, forKey: .ipFamilies)
        ipFamilyPolicy = try container.decodeIfPresent(String.self, forKey: .ipFamilyPolicy)
        clusterIP = try container.decodeIfPresent(String.self, forKey: .clusterIP)
        externalTrafficPolicy = try container.decodeIfPresent(String.self, forKey: .externalTrafficPolicy)
        loadBalancerSourceRanges = try container.decodeIfPresent([String].self, forKey: .loadBalancerSourceRanges)
    }
}

/// A Service's `spec.type`.
public enum ServiceType: String, Codable, Sendable, Hashable {
    /// Reachable on a cluster-internal address only.
    case clusterIP = "ClusterIP"
    /// Also reachable on a port of every node.
    case nodePort = "NodePort"
    /// Also given an external address by a load balancer (SwiftLB).
    case loadBalancer = "LoadBalancer"
    /// A DNS alias.
    case externalName = "ExternalName"
}

/// The transport protocol of a Service or EndpointSlice port.
public enum PortProtocol: String, Codable, Sendable, Hashable {
    /// TCP, the default.
    case tcp = "TCP"
    /// UDP.
    case udp = "UDP"
    /// SCTP.
    case sctp = "SCTP"
}

/// One entry of a Service's `spec.ports`.
public struct ServicePort: Codable, Sendable, Equatable {
    /// The port's name; required when a Service has several ports.
    public var name: String?
    /// The transport protocol; TCP when the JSON has none.
    public var `protocol`: PortProtocol
    /// The port the Service (and its load-balancer address) listens on.
    public var port: Int
    /// The pods' port: a number, or the name of a container port; nil means the same as `port`.
    public var targetPort: IntOrString?
    /// The port allocated on every node, for NodePort and LoadBalancer Services.
    public var nodePort: Int?

    /// Creates a port.
    public init(
        name: String? = nil, protocol: PortProtocol = .tcp, port: Int, targetPort: IntOrString? = nil,
        nodePort: Int? = nil
    ) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.targetPort = targetPort
        self.nodePort = nodePort
    }

    private enum CodingKeys: String, CodingKey {
        case name, `protocol`, port, targetPort, nodePort
    }

    /// Decodes a port; a missing `protocol` is TCP.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        self.protocol = try container.decodeIfPresent(PortProtocol.self, forKey: .protocol) ?? .tcp
        port = try container.decode(Int.self, forKey: .port)
        targetPort = try container.decodeIfPresent(IntOrString.self, forKey: .targetPort)
        nodePort = try container.decodeIfPresent(Int.self, forKey: .nodePort)
    }
}

/// A Service's `status`.
public struct ServiceStatus: Codable, Sendable, Equatable {
    /// The addresses the load balancer serves the Service on.
    public var loadBalancer: LoadBalancerStatus?

    /// Creates a status.
    public init(loadBalancer: LoadBalancerStatus? = nil) {
        self.loadBalancer = loadBalancer
    }
}

/// A Service's `status.loadBalancer`.
public struct LoadBalancerStatus: Codable, Sendable, Equatable {
    /// The addresses; nil or empty while none is assigned.
    public var ingress: [LoadBalancerIngress]?

    /// Creates a load-balancer status.
    public init(ingress: [LoadBalancerIngress]? = nil) {
        self.ingress = ingress
    }
}

/// One address in a Service's `status.loadBalancer.ingress`.
public struct LoadBalancerIngress: Codable, Sendable, Hashable {
    /// An IP address.
    public var ip: String?
    /// A DNS name, for load balancers addressed by name.
    public var hostname: String?
    /// `VIP` (traffic arrives addressed to the IP; kube-proxy may short-circuit it) or `Proxy`.
    public var ipMode: String?

    /// Creates an ingress entry.
    public init(ip: String? = nil, hostname: String? = nil, ipMode: String? = nil) {
        self.ip = ip
        self.hostname = hostname
        self.ipMode = ipMode
    }
}
