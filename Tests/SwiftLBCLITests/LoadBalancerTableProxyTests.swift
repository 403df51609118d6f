import SwiftLBCLI
import SwiftLBCore
import Testing

/// `get lb` rows of fullproxy rules: security in PROTO, ":ppv2" in MODE, host in the wide HOST column.
@Suite struct LoadBalancerTableProxyTests {
    static func entry(host: String, security: Int, ppv2: Bool) -> LoadBalancerEntry {
        LoadBalancerEntry(
            serviceArguments: ServiceArguments(
                externalIP: "10.0.0.1", port: 443, protocol: "tcp", mode: 4, security: security, host: host,
                proxyprotocolv2: ppv2),
            endpoints: [LBEndpoint(endpointIP: "10.1.0.1", targetPort: 8080, weight: 1)])
    }

    @Test func fullproxyRowsShowSecurityHostAndPPv2() {
        let entries = LoadBalancerTable.visible(
            [
                Self.entry(host: "b.test", security: 2, ppv2: false),
                Self.entry(host: "a.test", security: 1, ppv2: true),
            ],
            serviceName: nil)
        #expect(entries.map(\.serviceArguments.host) == ["a.test", "b.test"])
        let wide = LoadBalancerTable.render(entries, wide: true)
        let lines = wide.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)  // titles, rule, two rows
        #expect(lines[2].contains("a.test") && lines[2].contains("tcp:https") && lines[2].contains("fullproxy:ppv2"))
        #expect(lines[3].contains("b.test") && lines[3].contains("tcp:e2ehttps") && !lines[3].contains("ppv2"))
        let plain = LoadBalancerTable.render(entries, wide: false)
        #expect(plain.contains("fullproxy:ppv2"))
    }
}
