import SwiftLBCore
import Testing

@testable import SwiftLBProxy

/// fullproxy rules through validation and into the proxy's plan.
@Suite struct ProxyRuleTests {
    static func entry(
        port: Int = 80, host: String = "", security: Int = 0, ppv2: Bool = false, mode: Int = 4,
        proto: String = "tcp"
    ) -> LoadBalancerEntry {
        LoadBalancerEntry(
            serviceArguments: ServiceArguments(
                externalIP: "10.0.0.1", port: port, protocol: proto, sel: 0, mode: mode, security: security,
                host: host, proxyprotocolv2: ppv2),
            endpoints: [LBEndpoint(endpointIP: "10.1.0.1", targetPort: 8080, weight: 1)])
    }

    @Test func fullproxyRuleKeepsItsFieldsAndKeysByHost() throws {
        let rule = try RuleValidator.validate(Self.entry(host: "Shop.Example.com/api", security: 1, ppv2: true))
        #expect(rule.mode == .fullProxy)
        #expect(rule.key.host == "shop.example.com/api")
        #expect(rule.key.description == "10.0.0.1:80/tcp@shop.example.com/api")
        #expect(ServiceKey(text: rule.key.description) == rule.key)
        #expect(rule.entry.serviceArguments.security == 1 && rule.entry.serviceArguments.proxyprotocolv2)
        let route = ProxyRoute(rule: rule)
        #expect(route.host == "shop.example.com" && route.pathPrefix == "/api" && route.proxyProtocol)
    }

    @Test(arguments: [
        (entry(security: 3), "serviceArguments.security"),
        (entry(host: "bad host"), "serviceArguments.host"),
        (entry(host: "a.*.com"), "serviceArguments.host"),
        (entry(host: "/only-path"), "serviceArguments.host"),
        (entry(proto: "udp"), "serviceArguments.protocol"),
        (entry(security: 1, mode: 2), "serviceArguments.security"),
        (entry(host: "a.com", mode: 0), "serviceArguments.host"),
        (entry(ppv2: true, mode: 2), "serviceArguments.proxyprotocolv2"),
    ])
    func badProxyFieldsAreRefusedNamingTheField(entry: LoadBalancerEntry, field: String) {
        #expect(throws: APIError.self) { try RuleValidator.validate(entry) }
        do {
            _ = try RuleValidator.validate(entry)
        } catch {
            #expect(error.status == 400 && error.fields == [field])
        }
    }

    @Test func planGroupsRulesByListenerAndIgnoresOtherModes() throws {
        let rules = try [
            Self.entry(host: "a.example.com"), Self.entry(host: "b.example.com"), Self.entry(port: 443, security: 1),
            Self.entry(port: 8080, mode: 2),
        ].map { try RuleValidator.validate($0) }
        let plan = ProxyPlan.listeners(for: rules)
        let vip = try #require(IPAddress("10.0.0.1"))
        #expect(
            plan.keys.sorted() == [ListenerAddress(address: vip, port: 80), ListenerAddress(address: vip, port: 443)])
        #expect(
            plan[ListenerAddress(address: vip, port: 80)]?.routes.map(\.host).sorted() == [
                "a.example.com", "b.example.com",
            ])
        #expect(plan[ListenerAddress(address: vip, port: 443)]?.security == 1)
    }
}
