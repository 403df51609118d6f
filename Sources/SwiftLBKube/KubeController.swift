import Logging
import SwiftLBCore

/// The controller's state and decisions: the Services it serves, their endpoints and the nodes in;
/// VIPs, rules for every SwiftLB instance, Service status and Events out. Changes are coalesced:
/// a burst of watch events costs one recomputation.
public actor KubeController {
    /// What the controller does to the cluster, behind a protocol so tests can watch it.
    public protocol ClusterWriter: Sendable {
        /// Sets `status.loadBalancer.ingress` of the Service to these addresses.
        func setIngress(namespace: String, name: String, addresses: [String]) async throws
        /// Records an Event on the Service (`type` Normal or Warning).
        func event(namespace: String, name: String, type: String, reason: String, message: String) async
    }

    /// Controller-wide settings from the command line.
    public struct Settings: Sendable {
        public var classes: Set<String>
        public var defaults: ServiceOptions.Defaults
        public var builder: RuleBuilder
        public init(classes: Set<String>, defaults: ServiceOptions.Defaults, builder: RuleBuilder) {
            self.classes = classes
            self.defaults = defaults
            self.builder = builder
        }
    }

    private let settings: Settings
    private let writer: any ClusterWriter
    private let instances: [InstanceSync]
    private let logger: Logger
    private var ipam: IPAM

    private var services: [String: ServiceView] = [:]
    /// Endpoints per slice ("namespace/slice"), with the Service each belongs to.
    private var slices: [String: (service: String, endpoints: [EndpointView])] = [:]
    private var nodes: [String: NodeView] = [:]
    private var synced: Set<Kind> = []
    /// What was last written, so that nothing is written twice.
    private var written: [String: [String]] = [:]
    private var reported: [String: Set<String>] = [:]
    /// Services the IPAM may hold addresses for.
    private var assigned: Set<String> = []
    private var dirty: AsyncStream<Void>.Continuation?
    /// Recomputations done (for logs and tests).
    public private(set) var recomputations = 0

    /// The object kinds read from the cluster; rules are pushed once all three were listed.
    public enum Kind: Sendable, Hashable { case services, slices, nodes }

    public init(settings: Settings, ipam: IPAM, writer: any ClusterWriter, instances: [InstanceSync], logger: Logger) {
        self.settings = settings
        self.ipam = ipam
        self.writer = writer
        self.instances = instances
        self.logger = logger
    }

    // MARK: - Input

    /// True when a Service of this type and class is this controller's.
    public nonisolated func serves(_ service: Service) -> Bool {
        service.spec.type == .loadBalancer && settings.classes.contains(service.spec.loadBalancerClass ?? "")
    }

    public func replaceServices(_ all: [ServiceView]) {
        services = Dictionary(all.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        markSynced(.services)
    }

    public func upsertService(_ service: ServiceView) {
        services[service.key] = service
        changed()
    }

    public func deleteService(_ key: String) {
        guard services.removeValue(forKey: key) != nil else { return }
        changed()
    }

    public func replaceSlices(_ all: [(key: String, service: String, endpoints: [EndpointView])]) {
        slices = Dictionary(all.map { ($0.key, ($0.service, $0.endpoints)) }, uniquingKeysWith: { a, _ in a })
        markSynced(.slices)
    }

    public func upsertSlice(key: String, service: String, endpoints: [EndpointView]) {
        slices[key] = (service, endpoints)
        changed()
    }

    public func deleteSlice(_ key: String) {
        guard slices.removeValue(forKey: key) != nil else { return }
        changed()
    }

    public func replaceNodes(_ all: [NodeView]) {
        nodes = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        markSynced(.nodes)
    }

    public func upsertNode(_ node: NodeView) {
        nodes[node.name] = node
        changed()
    }

    public func deleteNode(_ name: String) {
        guard nodes.removeValue(forKey: name) != nil else { return }
        changed()
    }

    /// A rule an instance refused: a Warning Event on its Service (rule names are `<namespace>_<name>`).
    public func ruleRefused(name: String, message: String) async {
        let parts = name.split(separator: "_", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return }
        await report(namespace: parts[0], name: parts[1], type: "Warning", reason: "RuleRefused", message: message)
    }

    private func markSynced(_ kind: Kind) {
        synced.insert(kind)
        changed()
    }

    private func changed() {
        dirty?.yield()
    }

    // MARK: - Decisions

    /// Recomputes after changes, at most once per `coalesce`, until cancelled.
    public func run(coalesce: Duration = .milliseconds(50)) async {
        let (changes, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        dirty = continuation
        continuation.yield()
        for await _ in changes {
            try? await Task.sleep(for: coalesce)
            await recompute()
        }
    }

    /// Allocates, builds, pushes and writes status for every Service once all kinds were listed.
    public func recompute() async {
        guard synced.count == 3 else { return }
        recomputations += 1
        for gone in assigned.subtracting(services.keys) {
            assigned.remove(gone)
            ipam.release(gone)
            written[gone] = nil
            reported[gone] = nil
        }
        var rules: [LoadBalancerEntry] = []
        // Services that hold addresses already claim them first, so that a restart keeps every VIP.
        let order = services.values.sorted {
            ($0.ingress.isEmpty ? 1 : 0, $0.key) < ($1.ingress.isEmpty ? 1 : 0, $1.key)
        }
        var endpoints: [String: [EndpointView]] = [:]
        for slice in slices.values { endpoints[slice.service, default: []] += slice.endpoints }
        for service in order {
            rules += await decide(service, endpoints)
        }
        for instance in instances { await instance.want(rules) }
    }

    private func decide(_ service: ServiceView, _ endpointsByService: [String: [EndpointView]]) async
        -> [LoadBalancerEntry]
    {
        let options = ServiceOptions(annotations: service.annotations, defaults: settings.defaults)
        for warning in options.warnings {
            await report(service, type: "Warning", reason: "AnnotationIgnored", message: warning)
        }
        let vips: [IPAddress]
        assigned.insert(service.key)
        do {
            vips = try ipam.assign(service.key, request(for: service, options))
        } catch {
            await report(service, type: "Warning", reason: error.reason, message: error.description)
            return []
        }
        let addresses = vips.map(\.description)
        if service.ingress == addresses {
            // In sync: a later change by someone else is seen (and undone) again.
            written[service.key] = nil
        } else if written[service.key] != addresses {
            do {
                try await writer.setIngress(namespace: service.namespace, name: service.name, addresses: addresses)
                written[service.key] = addresses
                await report(
                    service, type: "Normal", reason: "IPAllocated",
                    message: "VIP \(addresses.joined(separator: ", "))")
            } catch {
                logger.warning("cannot write status", metadata: ["service": "\(service.key)", "error": "\(error)"])
            }
        }
        let endpoints = endpointsByService[service.key] ?? []
        let built = settings.builder.rules(
            for: service, options: options, vips: vips, endpoints: endpoints, nodes: Array(nodes.values))
        for note in built.notes {
            await report(service, type: "Warning", reason: "NoEndpoints", message: note)
        }
        return built.rules
    }

    private func request(for service: ServiceView, _ options: ServiceOptions) -> IPAM.Request {
        let families: [IPAM.IPFamily]
        switch options.addressing {
        case .ipv4: families = [.v4]
        case .ipv6, .ipv6to4: families = [.v6]
        case nil:
            let listed = service.ipFamilies.compactMap(IPAM.IPFamily.init(rawValue:))
            families = listed.isEmpty ? [.v4] : listed
        }
        var statics = options.staticIPs
        if let text = service.loadBalancerIP, let address = IPAddress(text) { statics.append(address) }
        return IPAM.Request(
            families: families,
            ports: Set(service.ports.map { IPAM.PortKey(port: $0.port, proto: $0.proto) }),
            pool: options.pool, staticAddresses: statics, current: service.ingress.compactMap(IPAddress.init))
    }

    /// An Event on `service`, once per distinct message.
    private func report(_ service: ServiceView, type: String, reason: String, message: String) async {
        await report(namespace: service.namespace, name: service.name, type: type, reason: reason, message: message)
    }

    private func report(namespace: String, name: String, type: String, reason: String, message: String) async {
        let service = "\(namespace)/\(name)"
        guard reported[service, default: []].insert("\(reason) \(message)").inserted else { return }
        logger.info(
            "event",
            metadata: ["service": "\(service)", "type": "\(type)", "reason": "\(reason)", "message": "\(message)"])
        await writer.event(namespace: namespace, name: name, type: type, reason: reason, message: message)
    }
}
