import SwiftLBCLI
import SwiftLBCore
import Testing

/// `--srv6-sid` and `--srv6-segments` on `create lb`, and the SRv6 columns of `get lb -o wide`.
@Suite struct SRv6CommandTests {
    @Test("--srv6-segments gives each named endpoint its list, --srv6-sid the rule's SID")
    func flags() throws {
        let command = try #require(
            try parseCommand([
                "create", "lb", "2001:db8::1", "--tcp=80:8080", "--endpoints=10.0.1.1:1,10.0.1.2:1",
                "--srv6-sid=fc00::100", "--srv6-segments=10.0.1.1=fc00:1::e+fc00:1::d4",
            ]) as? CreateLoadBalancer)
        let sent = try entry(try #require(try command.requests().first))
        #expect(sent.serviceArguments.srv6Sid == "fc00::100")
        #expect(sent.endpoints.map(\.srv6Segments) == [["fc00:1::e", "fc00:1::d4"], []])
    }

    @Test(
        "a malformed --srv6-segments item is refused before anything is sent",
        arguments: ["10.0.1.9=fc00::1", "10.0.1.1", "10.0.1.1=", "10.0.1.1=fc00::1,10.0.1.1=fc00::2"])
    func refused(item: String) throws {
        let command = try #require(
            try parseCommand([
                "create", "lb", "2001:db8::1", "--tcp=80:8080", "--endpoints=10.0.1.1:1", "--srv6-sid=fc00::100",
                "--srv6-segments=\(item)",
            ]) as? CreateLoadBalancer)
        #expect(throws: CLIError.self) { try command.requests() }
    }

    @Test("-o wide adds SRV6 SID and SRV6 SEGMENTS only when a rule uses SRv6")
    func wideColumns() {
        let plain = LoadBalancerEntry(
            serviceArguments: ServiceArguments(externalIP: "2001:db8::1", port: 80, protocol: "tcp"),
            endpoints: [LBEndpoint(endpointIP: "10.0.1.1", targetPort: 8080, weight: 1)])
        #expect(!LoadBalancerTable.render([plain], wide: true).contains("SRV6"))
        var srv6 = plain
        srv6.serviceArguments.srv6Sid = "fc00::100"
        srv6.endpoints[0].srv6Segments = ["fc00:1::e", "fc00:1::d4"]
        srv6.endpoints.append(LBEndpoint(endpointIP: "10.0.1.2", targetPort: 8080, weight: 1))
        let lines = LoadBalancerTable.render([srv6], wide: true).split(separator: "\n").map(String.init)
        #expect(lines[0].contains("SRV6 SID") && lines[0].contains("SRV6 SEGMENTS"))
        #expect(lines[2].contains("fc00::100") && lines[2].contains("fc00:1::e,fc00:1::d4"))
        #expect(!lines[3].contains("fc00"))
    }
}
