import SwiftLBCore
import Testing

@testable import SwiftLBKube

@Suite("Service, endpoints and nodes to SwiftLB rules")
struct RuleBuilderTests {
    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }
    static let service = ServiceView(
        namespace: "shop", name: "web",
        ports: [
            .init(name: "http", proto: "TCP", port: 80, nodePort: 30080, targetPort: 8080),
            .init(name: "dns", proto: "UDP", port: 53, nodePort: 30053, targetPort: nil),
        ], sourceRanges: ["192.0.2.0/24"])
    static let nodes = [
        NodeView(name: "n1", ready: true, labels: ["edge": "yes"], addresses: [ip("10.0.0.11"), ip("fd00::11")]),
        NodeView(name: "n2", ready: true, addresses: [ip("10.0.0.12")]),
        NodeView(name: "n3", ready: false, addresses: [ip("10.0.0.13")]),
    ]
    static let endpoints = [
        EndpointView(address: ip("10.244.1.5"), ready: true, nodeName: "n1", ports: ["http": 8080, "dns": 5353]),
        EndpointView(address: ip("10.244.2.6"), ready: false, nodeName: "n2", ports: ["http": 8080, "dns": 5353]),
    ]

    @Test("by default: one rule per VIP and port, ready nodes at the NodePort, managed and named namespace_service")
    func nodePorts() {
        let options = ServiceOptions(annotations: [:], defaults: .init())
        let built = RuleBuilder(bgp: true).rules(
            for: Self.service, options: options, vips: [Self.ip("10.9.0.1")], endpoints: Self.endpoints,
            nodes: Self.nodes)
        #expect(built.notes.isEmpty)
        #expect(built.rules.count == 2)
        let http = built.rules[0]
        #expect(http.serviceArguments.externalIP == "10.9.0.1" && http.serviceArguments.port == 80)
        #expect(http.serviceArguments.protocol == "tcp" && http.serviceArguments.name == "shop_web")
        #expect(http.serviceArguments.managed && http.serviceArguments.bgp)
        #expect(http.endpoints.map { "\($0.endpointIP):\($0.targetPort)" } == ["10.0.0.11:30080", "10.0.0.12:30080"])
        #expect(http.allowedSources.map(\.prefix) == ["192.0.2.0/24"])
        #expect(built.rules[1].serviceArguments.protocol == "udp")
        #expect(built.rules[1].endpoints.map(\.targetPort) == [30053, 30053])
    }

    @Test("pod network: ready pods with the slice's port for the port's name; options reach the rule")
    func podNetwork() {
        let options = ServiceOptions(
            annotations: [
                "loxilb.io/usepodnetwork": "yes", "loxilb.io/lbmode": "fullnat", "loxilb.io/epselect": "persist",
                "loxilb.io/liveness": "yes", "loxilb.io/probetype": "tcp", "loxilb.io/probeport": "8080",
                "loxilb.io/timeout": "120", "loxilb.io/secondaryIPs": "10.9.0.2",
            ], defaults: .init())
        let built = RuleBuilder().rules(
            for: Self.service, options: options, vips: [Self.ip("10.9.0.1")], endpoints: Self.endpoints,
            nodes: Self.nodes)
        #expect(
            built.rules.map { $0.endpoints.map { "\($0.endpointIP):\($0.targetPort)" } } == [
                ["10.244.1.5:8080"], ["10.244.1.5:5353"],
            ])
        let arguments = built.rules[0].serviceArguments
        #expect(arguments.mode == 2 && arguments.sel == 3 && arguments.monitor && !arguments.bgp)
        #expect(arguments.probetype == "tcp" && arguments.probeport == 8080 && arguments.inactiveTimeOut == 120)
        #expect(built.rules[0].secondaryIPs.map(\.secondaryIP) == ["10.9.0.2"])
    }

    @Test("node label and the Local traffic policy narrow the nodes; no endpoint means no rule and a note")
    func narrowing() {
        let labelled = ServiceOptions(annotations: ["loxilb.io/nodelabel": "edge"], defaults: .init())
        let one = RuleBuilder().rules(
            for: Self.service, options: labelled, vips: [Self.ip("10.9.0.1")], endpoints: [], nodes: Self.nodes)
        #expect(one.rules.first?.endpoints.map(\.endpointIP) == ["10.0.0.11"])
        var local = Self.service
        local.localTrafficOnly = true
        let plain = ServiceOptions(annotations: [:], defaults: .init())
        let onlyN1 = RuleBuilder().rules(
            for: local, options: plain, vips: [Self.ip("10.9.0.1")], endpoints: Self.endpoints, nodes: Self.nodes)
        #expect(onlyN1.rules.first?.endpoints.map(\.endpointIP) == ["10.0.0.11"])
        let none = RuleBuilder().rules(
            for: local, options: plain, vips: [Self.ip("10.9.0.1")], endpoints: [], nodes: Self.nodes)
        #expect(none.rules.isEmpty)
        #expect(none.notes.count == 2)
    }

    @Test("an IPv6 VIP takes IPv6 node addresses; ipv6to4 (NAT64) takes IPv4 ones")
    func families() {
        let v6 = RuleBuilder().rules(
            for: Self.service, options: ServiceOptions(annotations: [:], defaults: .init()),
            vips: [Self.ip("fd00:9::1")], endpoints: [], nodes: Self.nodes)
        #expect(v6.rules.first?.endpoints.map(\.endpointIP) == ["fd00::11"])
        let nat64 = RuleBuilder().rules(
            for: Self.service, options: ServiceOptions(annotations: ["loxilb.io/ipam": "ipv6to4"], defaults: .init()),
            vips: [Self.ip("fd00:9::1")], endpoints: [], nodes: Self.nodes)
        #expect(nat64.rules.first?.endpoints.map(\.endpointIP) == ["10.0.0.11", "10.0.0.12"])
    }
}
