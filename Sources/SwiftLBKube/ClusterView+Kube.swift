import SwiftLBCore

// The Kubernetes objects as the controller's views: only what decides rules is kept.

extension ServiceView {
    public init(_ service: Service) {
        let spec = service.spec
        self.init(
            namespace: service.metadata.namespace ?? "default", name: service.metadata.name,
            ports: spec.ports.map { port in
                let target: Int? =
                    switch port.targetPort {
                    case .int(let number): number
                    case .string: nil
                    case nil: port.port
                    }
                return Port(
                    name: port.name ?? "", proto: port.protocol.rawValue, port: port.port, nodePort: port.nodePort,
                    targetPort: target)
            },
            ipFamilies: spec.ipFamilies ?? ["IPv4"], localTrafficOnly: spec.externalTrafficPolicy == "Local",
            sourceRanges: spec.loadBalancerSourceRanges ?? [], annotations: service.metadata.annotations ?? [:],
            loadBalancerIP: spec.loadBalancerIP.flatMap { $0.isEmpty ? nil : $0 },
            ingress: service.status?.loadBalancer?.ingress?.compactMap(\.ip) ?? [])
    }
}

extension EndpointView {
    /// The addresses of a slice; FQDN slices have none SwiftLB can use.
    public static func all(of slice: EndpointSlice) -> [EndpointView] {
        guard slice.addressType != .fqdn else { return [] }
        var ports: [String: Int] = [:]
        for port in slice.ports ?? [] {
            if let number = port.port { ports[port.name ?? ""] = number }
        }
        return slice.endpoints.flatMap { endpoint in
            // An endpoint without conditions is ready (the API's rule for a nil `ready`).
            let ready = endpoint.conditions?.ready ?? true
            return endpoint.addresses.compactMap(IPAddress.init).map {
                EndpointView(address: $0, ready: ready, nodeName: endpoint.nodeName, ports: ports)
            }
        }
    }
}

extension NodeView {
    /// Kubernetes' label for nodes that must not receive load balancer traffic.
    public static let excludeLabel = "node.kubernetes.io/exclude-from-external-load-balancers"

    /// A node is an endpoint when Ready and not excluded by label; a cordoned node still is, as
    /// for Kubernetes' own service controller (its kube-proxy still forwards).
    public init(_ node: Node) {
        var addresses = node.addresses(ofType: .internalIP)
        if addresses.isEmpty { addresses = node.addresses(ofType: .externalIP) }
        self.init(
            name: node.metadata.name, ready: node.isReady && node.metadata.labels?[Self.excludeLabel] == nil,
            labels: node.metadata.labels ?? [:], addresses: addresses.compactMap(IPAddress.init))
    }
}
