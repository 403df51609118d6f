import Hummingbird
import HummingbirdTesting
import SwiftLBCore
import Testing

@testable import SwiftLBAPI

/// loxilb's QoS policy paths over a `PolicyStore` with in-memory storage and datapath.
@Suite("policy API paths")
struct PolicyRouteTests {
    static func withPolicies(
        _ test:
            @Sendable (any TestClientProtocol, InMemoryPolicyDatapath, InMemoryPolicyConfigStore) async throws -> Void
    ) async throws {
        let harness = APITestHarness()
        let persistence = InMemoryPolicyConfigStore()
        let datapath = InMemoryPolicyDatapath(interfaces: ["eth1": 4])
        let policies = PolicyStore(persistence: persistence, datapath: datapath, rules: { ["web": [3]] })
        let app = Application(
            router: makeRouter(
                store: harness.store, version: APITestHarness.version, features: APIFeatures(policies: policies)))
        try await app.test(.router) { client in try await test(client, datapath, persistence) }
    }

    static let policy =
        #"{"policyIdent":"pol-web","policyInfo":{"type":0,"colorAware":false,"committedInfoRate":100,"#
        + #""peakInfoRate":200,"committedBlkSize":6000,"excessBlkSize":12000},"#
        + #""targetObject":{"polObjName":"web","attachment":2}}"#

    @Test("POST stores and installs, GET lists with counters and /metrics exports them, DELETE by ident removes")
    func lifecycle() async throws {
        try await Self.withPolicies { client, datapath, persistence in
            #expect(try await client.post("/netlox/v1/config/policy", Self.policy).status == .ok)
            #expect(try await client.post("/netlox/v1/config/policy", Self.policy).status == .conflict)
            #expect(await datapath.state.services == [3: 1])
            #expect(try await persistence.loadPolicies().count == 1)
            await datapath.count(
                id: 1,
                PolicyStats(
                    greenPackets: 5, greenBytes: 500, yellowPackets: 2, yellowBytes: 200, redPackets: 1,
                    redBytes: 100))
            let list = try await client.get("/netlox/v1/config/policy/all")
            let policies = try list.decode(PolicyList.self).polAttr
            #expect(policies.count == 1 && policies[0].policyIdent == "pol-web")
            #expect(policies[0].policyInfo.committedInfoRate == 100 && policies[0].policyInfo.excessBlkSize == 12000)
            #expect(list.text.hasPrefix(#"{"polAttr":[{"policyIdent":"pol-web""#))
            #expect(list.text.contains(#""policyStats":{"greenBytes":500,"greenPackets":5,"redBytes":100"#))
            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains(#"swiftlb_policy_packets_total{policy="pol-web",color="yellow"} 2"#))
            #expect(metrics.contains(#"swiftlb_policy_bytes_total{policy="pol-web",color="red"} 100"#))
            #expect(try await client.delete("/netlox/v1/config/policy/ident/pol-web").status == .ok)
            #expect(try await client.delete("/netlox/v1/config/policy/ident/pol-web").status == .notFound)
            #expect(await datapath.state == PolicyDatapathState())
            #expect(try await persistence.loadPolicies().isEmpty)
        }
    }

    @Test("bad bodies are 400s naming the field, and change nothing")
    func refusals() async throws {
        try await Self.withPolicies { client, datapath, persistence in
            let cases: [(String, String)] = [
                ("null", "body"),
                (
                    #"{"policyIdent":"p","targetObject":{"polObjName":"web","attachment":2}}"#,
                    "policyInfo.committedInfoRate"
                ),
                (
                    Self.policy.replacingOccurrences(of: #""attachment":2"#, with: #""attachment":4"#),
                    "targetObject.attachment"
                ),
                (
                    Self.policy.replacingOccurrences(of: #""peakInfoRate":200"#, with: #""peakInfoRate":20"#),
                    "policyInfo.peakInfoRate"
                ),
                (
                    Self.policy.replacingOccurrences(
                        of: #""committedInfoRate":100"#, with: #""committedInfoRate":"x""#),
                    "policyInfo.committedInfoRate"
                ),
                (
                    Self.policy.replacingOccurrences(
                        of: #""polObjName":"web","attachment":2"#,
                        with: #""polObjName":"nosuch0","attachment":1"#), "targetObject.polObjName"
                ),
            ]
            for (body, field) in cases {
                let answer = try await client.post("/netlox/v1/config/policy", body)
                #expect(answer.status == .badRequest, "\(body)")
                #expect(answer.text.contains(field), "\(body): \(answer.text)")
            }
            #expect(await datapath.state == PolicyDatapathState())
            #expect(try await persistence.loadPolicies().isEmpty)
        }
    }

    @Test("without a policy store every path answers 503")
    func unavailable() async throws {
        try await APITestHarness().run { client in
            let list = try await client.get("/netlox/v1/config/policy/all")
            #expect(list.status == .serviceUnavailable)
            let post = try await client.post("/netlox/v1/config/policy", Self.policy)
            #expect(post.status == .serviceUnavailable)
        }
    }
}
