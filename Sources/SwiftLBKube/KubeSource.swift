import Logging

/// Reads Services, EndpointSlices and Nodes through reflectors (list, then watch, relist on 410)
/// and feeds the controller; a Service of another type or class counts as absent.
public struct KubeSource: Sendable {
    let client: any KubeListWatching
    let controller: KubeController
    let logger: Logger

    public init(client: any KubeListWatching, controller: KubeController, logger: Logger) {
        self.client = client
        self.controller = controller
        self.logger = logger
    }

    /// Runs until cancelled.
    public func run() async {
        let (client, controller, logger) = (client, controller, logger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await Reflector(Service.self, client: client, logger: logger).run { change in
                    await Self.apply(change, to: controller)
                }
            }
            group.addTask {
                await Reflector(EndpointSlice.self, client: client, logger: logger).run { change in
                    await Self.apply(change, to: controller)
                }
            }
            group.addTask {
                await Reflector(Node.self, client: client, logger: logger).run { change in
                    await Self.apply(change, to: controller)
                }
            }
        }
    }

    static func apply(_ change: ReflectorChange<Service>, to controller: KubeController) async {
        switch change {
        case .synced(let all):
            await controller.replaceServices(all.filter { controller.serves($0) }.map(ServiceView.init))
        case .upserted(let service):
            if controller.serves(service) {
                await controller.upsertService(ServiceView(service))
            } else {
                await controller.deleteService(ObjectKey(service.metadata).description)
            }
        case .deleted(let service):
            await controller.deleteService(ObjectKey(service.metadata).description)
        }
    }

    static func apply(_ change: ReflectorChange<EndpointSlice>, to controller: KubeController) async {
        switch change {
        case .synced(let all):
            await controller.replaceSlices(
                all.compactMap { slice in
                    slice.serviceKey.map {
                        (ObjectKey(slice.metadata).description, $0.description, EndpointView.all(of: slice))
                    }
                })
        case .upserted(let slice):
            guard let service = slice.serviceKey else { return }
            await controller.upsertSlice(
                key: ObjectKey(slice.metadata).description, service: service.description,
                endpoints: EndpointView.all(of: slice))
        case .deleted(let slice):
            await controller.deleteSlice(ObjectKey(slice.metadata).description)
        }
    }

    static func apply(_ change: ReflectorChange<Node>, to controller: KubeController) async {
        switch change {
        case .synced(let all): await controller.replaceNodes(all.map(NodeView.init))
        case .upserted(let node): await controller.upsertNode(NodeView(node))
        case .deleted(let node): await controller.deleteNode(node.metadata.name)
        }
    }
}

/// Status and Events through the Kubernetes API.
public struct KubeClusterWriter: KubeController.ClusterWriter {
    let client: KubeClient
    let logger: Logger

    public init(client: KubeClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func setIngress(namespace: String, name: String, addresses: [String]) async throws {
        try await client.patchServiceStatus(
            ObjectKey(namespace: namespace, name: name), ingress: addresses.map { LoadBalancerIngress(ip: $0) })
    }

    public func event(namespace: String, name: String, type: String, reason: String, message: String) async {
        do {
            try await client.recordEvent(
                on: ObjectReference(kind: "Service", namespace: namespace, name: name, apiVersion: "v1"),
                type: type == "Warning" ? .warning : .normal, reason: reason, message: message)
        } catch {
            logger.warning("cannot record event", metadata: ["service": "\(namespace)/\(name)", "error": "\(error)"])
        }
    }
}
