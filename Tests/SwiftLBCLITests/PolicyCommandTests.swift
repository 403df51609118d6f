import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("create, get, delete, save and apply policy")
struct PolicyCommandTests {
    @Test(
        "create policy sends loxicmd's body: rate Peak:Committed, block-size Excess:Committed, target Name:Attachment")
    func create() async throws {
        let transport = FakeTransport()
        try await run(["create", "policy", "pol-hs0", "--rate=100:50", "--target=hs0:1"], transport: transport)
        try await run(
            [
                "create", "pol", "pol-web", "--rate=200:100", "--target=web:2", "--block-size=12000:6000", "--color",
                "--pol-type=1",
            ], transport: transport)
        let requests = await transport.requests
        #expect(requests.map(\.path) == ["/netlox/v1/config/policy", "/netlox/v1/config/policy"])
        let bodies = try requests.map { try LoxiJSON.decode(PolicyEntry.self, from: try #require($0.body)) }
        #expect(
            bodies[0]
                == PolicyEntry(
                    policyIdent: "pol-hs0", policyInfo: PolicyInfo(committedInfoRate: 50, peakInfoRate: 100),
                    targetObject: PolicyTarget(polObjName: "hs0", attachment: 1)))
        #expect(
            bodies[1].policyInfo
                == PolicyInfo(
                    type: 1, colorAware: true, committedInfoRate: 100, peakInfoRate: 200, committedBlkSize: 6000,
                    excessBlkSize: 12000))
        #expect(bodies[1].targetObject == PolicyTarget(polObjName: "web", attachment: 2))
    }

    @Test("bad pairs are refused before any request")
    func refused() async throws {
        try await expectRefusedLocally([
            ["create", "policy", "p", "--rate=100", "--target=hs0:1"],
            ["create", "policy", "p", "--rate=100:x", "--target=hs0:1"],
            ["create", "policy", "p", "--rate=100:100", "--target=hs0"],
            ["create", "policy", "p", "--rate=100:100", "--target=hs0:1", "--block-size=1:2:3"],
        ])
    }

    @Test("delete policy and get policy use loxilb's paths and loxicmd's columns")
    func deleteAndGet() async throws {
        let transport = FakeTransport { request in
            guard request.method == .get else { return APIResponse(status: 200) }
            let list = PolicyList(polAttr: [
                PolicyEntry(
                    policyIdent: "p1",
                    policyInfo: PolicyInfo(
                        committedInfoRate: 50, peakInfoRate: 100, committedBlkSize: 6000,
                        excessBlkSize: 12000),
                    targetObject: PolicyTarget(polObjName: "web", attachment: 2),
                    policyStats: PolicyStats(greenPackets: 3, greenBytes: 300, redPackets: 1, redBytes: 100))
            ])
            return APIResponse(status: 200, body: LoxiJSON.encode(list))
        }
        try await run(["delete", "policy", "pol-hs0"], transport: transport)
        #expect(await transport.requests.last?.path == "/netlox/v1/config/policy/ident/pol-hs0")
        let table = try await run(["get", "policy"], transport: transport).lines.joined(separator: "\n")
        #expect(table.contains("IDENT") && table.contains("PEAKINFORATE") && table.contains("GREEN"))
        #expect(table.contains("p1") && table.contains("3:300") && table.contains("1:100"))
        let wide = try await run(["get", "policy", "-o", "wide"], transport: transport).lines.joined(separator: "\n")
        #expect(wide.contains("POLOBJNAME") && wide.contains("web") && wide.contains("12000"))
    }

    @Test("save writes Polconfig.txt without counters; apply --policy and apply -f kind Policy post it back")
    func saveAndApply() async throws {
        let list = PolicyList(polAttr: [
            PolicyEntry(
                policyIdent: "p1", policyInfo: PolicyInfo(committedInfoRate: 50, peakInfoRate: 100),
                targetObject: PolicyTarget(polObjName: "web", attachment: 2), policyStats: PolicyStats(greenPackets: 3))
        ])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slb-pol-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = FakeTransport { _ in APIResponse(status: 200, body: LoxiJSON.encode(list)) }
        try await run(["save", "--policy", "-c", directory.path], transport: server)
        #expect(await server.requests.map(\.path) == ["/netlox/v1/config/policy/all"])
        let file = directory.appendingPathComponent("Polconfig.txt")
        let saved = try Data(contentsOf: file)
        let text = String(decoding: saved, as: UTF8.self)
        #expect(text.hasPrefix(#"{"polAttr":[{"policyIdent":"p1""#) && !text.contains("policyStats"))
        let steps = try ConfigFileReader.steps(savedFile: saved, kind: .policy, name: "Polconfig.txt")
        #expect(steps.map(\.create.path) == ["/netlox/v1/config/policy"])
        #expect(steps.map(\.undo.path) == ["/netlox/v1/config/policy/ident/p1"])
        let yaml = """
            kind: Policy
            spec:
              policyIdent: p2
              policyInfo: {committedInfoRate: 100, peakInfoRate: 100}
              targetObject: {polObjName: eth1, attachment: 1}
            """
        let fromYAML = try ConfigFileReader.steps(anyFile: Data(yaml.utf8), name: "pol.yaml")
        #expect(fromYAML.map(\.label) == ["policy p2"])
        #expect(try ConfigFileReader.steps(anyFile: saved, name: "Polconfig.txt").count == 1)
        let fresh = FakeTransport()
        try await run(["apply", "--policy", file.path], transport: fresh)
        let posted = try LoxiJSON.decode(PolicyEntry.self, from: try #require(await fresh.requests.first?.body))
        #expect(posted.policyIdent == "p1" && posted.targetObject.polObjName == "web" && posted.policyStats == nil)
    }
}
