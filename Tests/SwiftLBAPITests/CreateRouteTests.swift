import Foundation
import HummingbirdTesting
import SwiftLBCore
import Testing

@testable import SwiftLBAPI

@Suite("POST /netlox/v1/config/loadbalancer")
struct CreateRouteTests {
    @Test("a created rule is listed with endpoint state and counters")
    func createThenList() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            let created = try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body(name: "web"))
            #expect(created.status == .ok)
            #expect(created.isJSON)
            #expect(try created.decode(PostSuccess.self) == PostSuccess(result: "Success"))

            let id = try #require(try await harness.datapath.programmedServices().first).id
            await harness.datapath.setEndpointCounters([Counters(packets: 3, bytes: 180), Counters()], id: id)
            let entries = try await client.listed()
            #expect(entries.count == 1)
            let entry = try #require(entries.first)
            #expect(entry.serviceArguments.externalIP == "20.20.20.1")
            #expect(entry.serviceArguments.port == 2020)
            #expect(entry.serviceArguments.protocol == "tcp")
            #expect(entry.serviceArguments.name == "web")
            #expect(entry.endpoints.map(\.endpointIP) == ["31.31.31.1", "32.32.32.1"])
            #expect(entry.endpoints.map(\.state) == ["active", "active"])
            #expect(entry.endpoints.map(\.counter) == ["3:180", "0:0"])
        }
    }

    @Test("the list answer is JSON under lbAttr")
    func listShape() async throws {
        try await APITestHarness().run { client in
            let response = try await client.get("/netlox/v1/config/loadbalancer/all")
            #expect(response.status == .ok)
            #expect(response.isJSON)
            #expect(response.text == #"{"lbAttr":[]}"#)
        }
    }

    @Test("loxicmd's spelling (BGP, Monitor, upper-case keys, unknown keys) is accepted")
    func loxicmdBody() async throws {
        try await APITestHarness().run { client in
            let body =
                #"{"ServiceArguments":{"ExternalIP":"20.20.20.1","Port":80,"Protocol":"TCP","BGP":false,"#
                + #""Monitor":false,"futureKnob":7},"Endpoints":[{"EndpointIP":"10.1.1.1","TargetPort":8080,"#
                + #""Weight":2}],"somethingNew":{"x":1}}"#
            let response = try await client.post("/netlox/v1/config/loadbalancer", body)
            #expect(response.status == .ok, "\(response.text)")
            let entry = try #require(try await client.listed().first)
            #expect(entry.serviceArguments.port == 80)
            #expect(entry.serviceArguments.protocol == "tcp")
            #expect(entry.endpoints.first?.weight == 2)
        }
    }

    /// Invalid bodies: each is refused with 400, names the field, and changes nothing.
    static let invalidBodies: [(name: String, body: String, field: String)] = [
        ("bad IP", APITestHarness.body(vip: "20.20.20.300"), "serviceArguments.externalIP"),
        ("port 0", APITestHarness.body(port: 0), "serviceArguments.port"),
        ("unknown protocol", APITestHarness.body(proto: "gre"), "serviceArguments.protocol"),
        ("empty endpoints", APITestHarness.body(endpoints: []), "endpoints"),
        ("bad endpoint IP", APITestHarness.body(endpoints: ["10.0.0"]), "endpoints[0].endpointIP"),
        ("malformed JSON", #"{"serviceArguments":{"externalIP":"1.2.3.4","#, "body"),
        ("empty body", "", "body"),
        (
            "port as string", #"{"serviceArguments":{"externalIP":"1.2.3.4","port":"80","protocol":"tcp"}}"#,
            "serviceArguments.port"
        ),
        (
            "endpoints as object", #"{"serviceArguments":{"externalIP":"1.2.3.4","port":80},"endpoints":{}}"#,
            "endpoints"
        ),
    ]

    @Test("invalid bodies are 400 naming the field and leave the rules unchanged", arguments: invalidBodies)
    func invalidBody(_ name: String, _ body: String, _ field: String) async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            #expect(try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body()).status == .ok)
            let before = try await client.listed()

            let response = try await client.post("/netlox/v1/config/loadbalancer", body)
            #expect(response.status == .badRequest, "\(name): \(response.text)")
            #expect(response.isJSON)
            let model = try response.errorModel()
            #expect(model.code == 400)
            #expect(model.fields.contains(field), "\(name): \(model.fields)")
            #expect(!model.message.isEmpty)
            #expect(try await client.listed() == before)
        }
    }

    @Test("a conflicting rule is 409 and the first one stays")
    func conflict() async throws {
        try await APITestHarness().run { client in
            #expect(try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body(sel: 0)).status == .ok)
            let before = try await client.listed()
            let response = try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body(sel: 1))
            #expect(response.status == .conflict)
            #expect(try response.errorModel().code == 409)
            #expect(try await client.listed() == before)
        }
    }

    @Test("a datapath failure is 500 and nothing is listed")
    func datapathFailure() async throws {
        let harness = APITestHarness()
        await harness.datapath.failNext(.upsert)
        try await harness.run { client in
            let response = try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body())
            #expect(response.status == .internalServerError)
            #expect(response.isJSON)
            #expect(try response.errorModel().code == 500)
            #expect(try await client.listed().isEmpty)
        }
    }

    @Test("a body over 1 MiB is 413 with an error model")
    func tooLarge() async throws {
        try await APITestHarness().run { client in
            let padding = String(repeating: " ", count: APIRoutes.maxBodySize + 1)
            let response = try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body() + padding)
            #expect(response.status == .contentTooLarge)
            #expect(response.isJSON)
            #expect(try response.errorModel().fields == ["body"])
            #expect(try await client.listed().isEmpty)
        }
    }
}
