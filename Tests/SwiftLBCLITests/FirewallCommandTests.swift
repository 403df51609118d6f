import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("create, get and delete firewall")
struct FirewallCommandTests {
    @Test("create firewall sends loxicmd's body; an IPv6 prefix keeps its colons")
    func create() async throws {
        let transport = FakeTransport()
        try await run(
            [
                "create", "firewall", "--firewallRule=sourceIP:1.2.3.2/32,destinationIP:2.3.1.2/32,preference:200",
                "--drop",
            ], transport: transport)
        try await run(
            ["create", "fw", "--firewallRule=sourceIP:3ffe::1/128", "--allow", "--setmark=10", "--everyPacket"],
            transport: transport)
        let bodies = try await transport.requests.map {
            try LoxiJSON.decode(FirewallEntry.self, from: try #require($0.body))
        }
        #expect(await transport.requests.map(\.path) == ["/netlox/v1/config/firewall", "/netlox/v1/config/firewall"])
        #expect(
            bodies[0].ruleArguments
                == FirewallRuleArguments(
                    sourceIP: "1.2.3.2/32", destinationIP: "2.3.1.2/32", preference: 200))
        #expect(bodies[0].opts.drop && !bodies[0].opts.allow)
        #expect(
            bodies[1].ruleArguments.sourceIP == "3ffe::1/128" && bodies[1].opts.allow && bodies[1].opts.fwMark == 10)
        #expect(!bodies[0].opts.everyPacket && bodies[1].opts.everyPacket)
    }

    @Test("bad rules are refused before any request")
    func refused() async throws {
        try await expectRefusedLocally([
            ["create", "firewall", "--drop"], ["create", "firewall", "--firewallRule=sourceIP", "--drop"],
            ["create", "firewall", "--firewallRule=color:red", "--drop"],
            ["create", "firewall", "--firewallRule=preference:high", "--drop"], ["delete", "firewall"],
        ])
    }

    @Test("delete firewall sends the rule as loxilb's query")
    func delete() async throws {
        let transport = FakeTransport()
        try await run(
            ["delete", "firewall", "--firewallRule=sourceIP:1.2.3.2/32,destinationIP:2.3.1.2/32,preference:200"],
            transport: transport)
        #expect(
            await transport.requests.map(\.description) == [
                "DELETE /netlox/v1/config/firewall?sourceIP=1.2.3.2%2F32&destinationIP=2.3.1.2%2F32&preference=200"
            ])
    }

    @Test("get firewall prints loxicmd's columns and options")
    func table() async throws {
        let output = try await run(
            ["get", "firewall"],
            transport: FakeTransport(
                status: 200,
                body: String(
                    decoding: LoxiJSON.encode(SaveApplyCommandTests.firewall), as: UTF8.self)))
        let text = output.lines.joined(separator: "\n")
        #expect(text.contains("SOURCE IP") && text.contains("PREFERENCE") && text.contains("COUNTERS"))
        #expect(text.contains("10.0.0.0/24") && text.contains("Drop") && text.contains("7:420"))
    }
}
