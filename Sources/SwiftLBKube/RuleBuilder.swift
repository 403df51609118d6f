import SwiftLBCore

/// Turns a Service, its endpoints and the nodes into SwiftLB rules: one per VIP and service port,
/// named `<namespace>_<service>` and marked managed, as kube-loxilb does.
public struct RuleBuilder: Sendable {
    /// Advertise every VIP over BGP (`--setBGP`).
    public var bgp: Bool

    public init(bgp: Bool = false) {
        self.bgp = bgp
    }

    /// The rules, and one note per port that got no rule (no ready endpoint).
    public func rules(
        for service: ServiceView, options: ServiceOptions, vips: [IPAddress], endpoints: [EndpointView],
        nodes: [NodeView]
    ) -> (rules: [LoadBalancerEntry], notes: [String]) {
        var rules: [LoadBalancerEntry] = []
        var notes: [String] = []
        for vip in vips {
            // NAT64 (loxilb.io/ipam: ipv6to4): an IPv6 VIP with IPv4 endpoints.
            let endpointsV4 = vip.isV4 || options.addressing == .ipv6to4
            for port in service.ports {
                let targets =
                    options.usePodNetwork
                    ? podTargets(port, endpoints, v4: endpointsV4)
                    : nodeTargets(port, service, options, endpoints, nodes, v4: endpointsV4)
                guard !targets.isEmpty else {
                    notes.append(
                        "no ready \(options.usePodNetwork ? "pod" : "node") endpoint for \(vip) port \(port.port)/"
                            + "\(port.proto.lowercased())\(port.nodePort == nil && !options.usePodNetwork ? " (no nodePort)" : "")"
                    )
                    continue
                }
                rules.append(entry(service, port, vip: vip, options: options, targets: targets))
            }
        }
        return (rules, notes)
    }

    private func entry(
        _ service: ServiceView, _ port: ServiceView.Port, vip: IPAddress, options: ServiceOptions,
        targets: [(IPAddress, Int)]
    ) -> LoadBalancerEntry {
        let arguments = ServiceArguments(
            externalIP: vip.description, port: port.port, protocol: port.proto.lowercased(),
            sel: Int(options.selection.rawValue), mode: Int(options.mode.rawValue), bgp: bgp, monitor: options.liveness,
            probetype: options.probeType, probeport: options.probePort, probereq: options.probeRequest,
            proberesp: options.probeResponse, probeTimeout: options.probeTimeout, probeRetries: options.probeRetries,
            inactiveTimeOut: options.timeout, name: "\(service.namespace)_\(service.name)", managed: true)
        return LoadBalancerEntry(
            serviceArguments: arguments,
            endpoints: targets.map { LBEndpoint(endpointIP: $0.0.description, targetPort: $0.1, weight: 1) },
            secondaryIPs: options.secondaryIPs.map { SecondaryIP(secondaryIP: $0) },
            allowedSources: service.sourceRanges.map { AllowedSource(prefix: $0) })
    }

    /// Ready pod addresses of the family with the port the slice gives for the service port's name.
    private func podTargets(_ port: ServiceView.Port, _ endpoints: [EndpointView], v4: Bool) -> [(IPAddress, Int)] {
        var seen = Set<String>()
        return endpoints.filter { $0.ready && $0.address.isV4 == v4 }.compactMap { endpoint in
            guard let target = endpoint.ports[port.name] ?? port.targetPort else { return nil }
            guard seen.insert("\(endpoint.address):\(target)").inserted else { return nil }
            return (endpoint.address, target)
        }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    /// Ready nodes (with the label asked for; with a ready endpoint under the Local policy) at the NodePort.
    private func nodeTargets(
        _ port: ServiceView.Port, _ service: ServiceView, _ options: ServiceOptions, _ endpoints: [EndpointView],
        _ nodes: [NodeView], v4: Bool
    ) -> [(IPAddress, Int)] {
        guard let nodePort = port.nodePort else { return [] }
        let local = Set(endpoints.filter(\.ready).compactMap(\.nodeName))
        let chosen = nodes.filter { node in
            guard node.ready else { return false }
            if service.localTrafficOnly, !local.contains(node.name) { return false }
            if let label = options.nodeLabel {
                guard let value = node.labels[label.key] else { return false }
                if let wanted = label.value, wanted != value { return false }
            }
            return true
        }
        let addresses = Set(chosen.compactMap { $0.addresses.first { $0.isV4 == v4 } })
        return addresses.sorted().map { ($0, nodePort) }
    }
}
