import SwiftLBCore

/// The parts of a Service, its EndpointSlices and the Nodes that decide its rules, independent of
/// how they were read (the Kubernetes objects map onto these in `ClusterView+Kube`).
public struct ServiceView: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var ports: [Port]
    /// `spec.ipFamilies`: "IPv4", "IPv6", in order.
    public var ipFamilies: [String]
    /// `spec.externalTrafficPolicy: Local`: only nodes running a ready endpoint receive traffic.
    public var localTrafficOnly: Bool
    /// `spec.loadBalancerSourceRanges`.
    public var sourceRanges: [String]
    public var annotations: [String: String]
    /// `spec.loadBalancerIP`, deprecated by Kubernetes but still used.
    public var loadBalancerIP: String?
    /// `status.loadBalancer.ingress[].ip`.
    public var ingress: [String]

    public struct Port: Sendable, Equatable {
        public var name: String
        public var proto: String
        public var port: Int
        public var nodePort: Int?
        /// A number, or nil when the target port is named (the EndpointSlice then gives it).
        public var targetPort: Int?
        public init(name: String = "", proto: String = "TCP", port: Int, nodePort: Int? = nil, targetPort: Int? = nil) {
            self.name = name
            self.proto = proto
            self.port = port
            self.nodePort = nodePort
            self.targetPort = targetPort
        }
    }

    public init(
        namespace: String, name: String, ports: [Port], ipFamilies: [String] = ["IPv4"], localTrafficOnly: Bool = false,
        sourceRanges: [String] = [], annotations: [String: String] = [:], loadBalancerIP: String? = nil,
        ingress: [String] = []
    ) {
        self.namespace = namespace
        self.name = name
        self.ports = ports
        self.ipFamilies = ipFamilies
        self.localTrafficOnly = localTrafficOnly
        self.sourceRanges = sourceRanges
        self.annotations = annotations
        self.loadBalancerIP = loadBalancerIP
        self.ingress = ingress
    }

    /// "namespace/name".
    public var key: String { "\(namespace)/\(name)" }
}

/// One address of an EndpointSlice.
public struct EndpointView: Sendable, Equatable {
    public var address: IPAddress
    public var ready: Bool
    public var nodeName: String?
    /// The slice's ports by name ("" for the unnamed one).
    public var ports: [String: Int]
    public init(address: IPAddress, ready: Bool, nodeName: String? = nil, ports: [String: Int]) {
        self.address = address
        self.ready = ready
        self.nodeName = nodeName
        self.ports = ports
    }
}

/// A Node as an endpoint for NodePort traffic.
public struct NodeView: Sendable, Equatable {
    public var name: String
    public var ready: Bool
    public var labels: [String: String]
    /// InternalIP addresses (ExternalIP when it has none).
    public var addresses: [IPAddress]
    public init(name: String, ready: Bool, labels: [String: String] = [:], addresses: [IPAddress]) {
        self.name = name
        self.ready = ready
        self.labels = labels
        self.addresses = addresses
    }
}
