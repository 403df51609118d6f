import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SwiftLBAPI
import SwiftLBCore
import Testing

@testable import SwiftLBKube

/// Status and Events as the controller writes them.
actor RecordingClusterWriter: KubeController.ClusterWriter {
    var ingress: [String: [String]] = [:]
    var events: [String] = []

    func setIngress(namespace: String, name: String, addresses: [String]) async throws {
        ingress["\(namespace)/\(name)"] = addresses
    }

    func event(namespace: String, name: String, type: String, reason: String, message: String) async {
        events.append("\(namespace)/\(name) \(type) \(reason): \(message)")
    }
}

/// The controller against two real SwiftLB APIs (RuleStore over the in-memory datapath) on live sockets.
@Suite("controller: services to VIPs, status, events and rules on every instance", .serialized)
struct KubeControllerTests {
    static let logger = Logger(label: "kube.test", factory: { _ in SwiftLogNoOpLogHandler() })
    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }

    static func service(_ name: String, port: Int = 80, annotations: [String: String] = [:]) -> ServiceView {
        ServiceView(
            namespace: "shop", name: name, ports: [.init(name: "http", port: port, nodePort: 30000 + port)],
            annotations: annotations)
    }

    static let nodes = [
        NodeView(name: "n1", ready: true, addresses: [ip("10.0.0.11")]),
        NodeView(name: "n2", ready: true, addresses: [ip("10.0.0.12")]),
    ]

    /// Runs `body` with two live SwiftLB APIs and an HTTP client; the client is shut down after.
    static func withInstances(
        _ body: @Sendable ([SwiftLBAPIClient], [RuleStore]) async throws -> Void
    ) async throws {
        let stores = (0..<2).map { _ in
            RuleStore(config: InMemoryConfigStore(), datapath: InMemoryDatapath(), logger: logger)
        }
        let version = VersionInfo(version: "test", buildInfo: "test", buildDate: "2026-01-01")
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await Application(router: makeRouter(store: stores[0], version: version)).test(.live) { first in
                try await Application(router: makeRouter(store: stores[1], version: version)).test(.live) { second in
                    let apis = [first, second].map {
                        SwiftLBAPIClient(baseURL: "http://127.0.0.1:\($0.port!)", token: nil, http: http)
                    }
                    try await body(apis, stores)
                }
            }
        } catch {
            try await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    @Test("a Service gets a VIP in its status and a rule on both instances; endpoints follow; delete removes all")
    func lifecycle() async throws {
        try await Self.withInstances { apis, stores in
            let writer = RecordingClusterWriter()
            let instances = apis.map { InstanceSync(api: $0, logger: Self.logger) }
            let controller = KubeController(
                settings: .init(classes: ["loxilb.io/loxilb"], defaults: .init(), builder: RuleBuilder()),
                ipam: IPAM(pools: try VIPPool.parseList("p=10.9.0.1/24"), unique: false), writer: writer,
                instances: instances, logger: Self.logger)
            await controller.replaceServices([Self.service("web")])
            await controller.replaceSlices([])
            // Nothing is pushed before every kind was listed.
            await controller.recompute()
            #expect(await writer.ingress.isEmpty)
            await controller.replaceNodes([Self.nodes[0]])
            await controller.recompute()
            #expect(await writer.ingress == ["shop/web": ["10.9.0.1"]])
            #expect(await writer.events.contains("shop/web Normal IPAllocated: VIP 10.9.0.1"))
            for instance in instances { #expect(await instance.pass()) }
            for store in stores {
                let rules = await store.list()
                #expect(rules.map(\.serviceArguments.name) == ["shop_web"])
                #expect(rules.first?.endpoints.map { "\($0.endpointIP):\($0.targetPort)" } == ["10.0.0.11:30080"])
            }

            // A second node: both instances follow.
            await controller.upsertNode(Self.nodes[1])
            await controller.recompute()
            for instance in instances { #expect(await instance.pass()) }
            for store in stores {
                #expect(await store.list().first?.endpoints.map(\.endpointIP) == ["10.0.0.11", "10.0.0.12"])
            }

            // Deleted: the rules go, the address is free for the next service.
            await controller.deleteService("shop/web")
            await controller.recompute()
            for instance in instances { #expect(await instance.pass()) }
            for store in stores { #expect(await store.list().isEmpty) }
            await controller.upsertService(Self.service("api"))
            await controller.recompute()
            #expect(await writer.ingress["shop/api"] == ["10.9.0.1"])
        }
    }

    @Test("a lost rule is posted again, rules nobody manages are left alone, a refused rule is an Event")
    func catchUp() async throws {
        try await Self.withInstances { apis, stores in
            let writer = RecordingClusterWriter()
            let refusals = RefusalSink()
            let instance = InstanceSync(
                api: apis[0], logger: Self.logger,
                refused: { name, message in
                    await refusals.add(name, message)
                })
            let controller = KubeController(
                settings: .init(classes: ["loxilb.io/loxilb"], defaults: .init(), builder: RuleBuilder()),
                ipam: IPAM(pools: try VIPPool.parseList("p=10.9.0.1-10.9.0.1"), unique: false), writer: writer,
                instances: [instance], logger: Self.logger)
            // A user's own rule on the port the second service will want, in another mode.
            var own = LoadBalancerEntry(
                serviceArguments: ServiceArguments(externalIP: "10.9.0.1", port: 443, protocol: "tcp", mode: 2),
                endpoints: [LBEndpoint(endpointIP: "10.0.0.99", targetPort: 443, weight: 1)])
            own.serviceArguments.name = "mine"
            try await apis[0].create(own)

            await controller.replaceServices([Self.service("web"), Self.service("tls", port: 443)])
            await controller.replaceSlices([])
            await controller.replaceNodes(Self.nodes)
            await controller.recompute()
            #expect(await instance.pass())
            let names = await stores[0].list().map(\.serviceArguments.name).sorted()
            #expect(names == ["mine", "shop_web"])
            #expect(await refusals.names == ["shop_tls"])

            // The instance lost the rule (a new, empty instance): the next pass restores it.
            try await apis[0].delete(
                RuleKey(try #require(await stores[0].list().first { $0.serviceArguments.managed })))
            #expect(await instance.pass())
            #expect(await stores[0].list().map(\.serviceArguments.name).sorted() == ["mine", "shop_web"])
            // The refusal is not retried until the rule changes: one refusal only.
            #expect(await refusals.names == ["shop_tls"])
        }
    }

    @Test("a full pool is a Warning Event; the Service gets its VIP once another releases one")
    func poolExhausted() async throws {
        try await Self.withInstances { apis, _ in
            let writer = RecordingClusterWriter()
            let controller = KubeController(
                settings: .init(classes: ["loxilb.io/loxilb"], defaults: .init(), builder: RuleBuilder()),
                ipam: IPAM(pools: try VIPPool.parseList("p=10.9.0.1-10.9.0.1"), unique: true), writer: writer,
                instances: [InstanceSync(api: apis[0], logger: Self.logger)], logger: Self.logger)
            await controller.replaceServices([Self.service("a"), Self.service("b", annotations: ["loxilb.io/x": "1"])])
            await controller.replaceSlices([])
            await controller.replaceNodes(Self.nodes)
            await controller.recompute()
            #expect(await writer.ingress == ["shop/a": ["10.9.0.1"]])
            let events = await writer.events
            #expect(events.contains { $0.hasPrefix("shop/b Warning PoolExhausted: pool p") })
            #expect(events.contains { $0.hasPrefix("shop/b Warning AnnotationIgnored: annotation loxilb.io/x") })
            await controller.deleteService("shop/a")
            await controller.recompute()
            #expect(await writer.ingress["shop/b"] == ["10.9.0.1"])
        }
    }
}

extension KubeControllerTests {
    @Test("a restarted controller keeps every VIP it finds in the Services' status, whatever order they come in")
    func restartKeepsVIPs() async throws {
        try await Self.withInstances { apis, _ in
            let writer = RecordingClusterWriter()
            let instance = InstanceSync(api: apis[0], logger: Self.logger)
            let controller = KubeController(
                settings: .init(classes: ["loxilb.io/loxilb"], defaults: .init(), builder: RuleBuilder()),
                ipam: IPAM(pools: try VIPPool.parseList("p=10.9.0.1-10.9.0.3"), unique: true), writer: writer,
                instances: [instance], logger: Self.logger)
            // "a-new" sorts first but has no address yet; the others had .1 and .3 before the restart.
            var had1 = Self.service("b-had1")
            had1.ingress = ["10.9.0.1"]
            var had3 = Self.service("c-had3")
            had3.ingress = ["10.9.0.3"]
            await controller.replaceServices([Self.service("a-new"), had1, had3])
            await controller.replaceSlices([])
            await controller.replaceNodes(Self.nodes)
            await controller.recompute()
            #expect(await instance.pass())
            // Only the new Service's status is written: the others keep theirs, unwritten.
            #expect(await writer.ingress == ["shop/a-new": ["10.9.0.2"]])
            let rules = try await apis[0].rules().map {
                "\($0.serviceArguments.name) \($0.serviceArguments.externalIP)"
            }
            #expect(rules.sorted() == ["shop_a-new 10.9.0.2", "shop_b-had1 10.9.0.1", "shop_c-had3 10.9.0.3"])
            #expect(
                await writer.events.filter { $0.contains("IPAllocated") } == [
                    "shop/a-new Normal IPAllocated: VIP 10.9.0.2"
                ])
        }
    }
}

actor RefusalSink {
    var names: [String] = []
    func add(_ name: String, _ message: String) { names.append(name) }
}
