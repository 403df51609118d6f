import HummingbirdTesting
import SwiftLBCore
import Testing

@Suite("DELETE /netlox/v1/config/loadbalancer/...")
struct DeleteRouteTests {
    static let base = "/netlox/v1/config/loadbalancer"

    @Test("the exact path loxicmd sends deletes the rule with 204")
    func loxicmdPath() async throws {
        try await APITestHarness().run { client in
            #expect(try await client.post(DeleteRouteTests.base, APITestHarness.body()).status == .ok)
            let path =
                DeleteRouteTests.base
                + "/hosturl/any/externalipaddress/20.20.20.1/port/2020/portmax/0/protocol/tcp?bgp=false&block=0"
            let response = try await client.delete(path)
            #expect(response.status == .noContent)
            #expect(response.body.readableBytes == 0)
            #expect(try await client.listed().isEmpty)
        }
    }

    @Test(
        "every loxilb service DELETE form works",
        arguments: [
            "/externalipaddress/20.20.20.1/port/2020/protocol/tcp",
            "/externalipaddress/20.20.20.1/port/2020/portmax/2020/protocol/tcp",
            "/hosturl/any/externalipaddress/20.20.20.1/port/2020/portmax/0/protocol/tcp",
            "/hosturl/any/externalipaddress/20.20.20.1/port/2020/protocol/TCP?bgp=true",
        ])
    func serviceForms(_ suffix: String) async throws {
        try await APITestHarness().run { client in
            #expect(try await client.post(DeleteRouteTests.base, APITestHarness.body()).status == .ok)
            let response = try await client.delete(DeleteRouteTests.base + suffix)
            #expect(response.status == .noContent, "\(suffix): \(response.text)")
            #expect(try await client.listed().isEmpty)
        }
    }

    @Test("delete by name removes only that rule")
    func byName() async throws {
        try await APITestHarness().run { client in
            #expect(try await client.post(DeleteRouteTests.base, APITestHarness.body(name: "web")).status == .ok)
            #expect(
                try await client.post(DeleteRouteTests.base, APITestHarness.body(port: 53, proto: "udp")).status == .ok)
            #expect(try await client.delete(DeleteRouteTests.base + "/name/web").status == .noContent)
            let left = try await client.listed()
            #expect(left.map(\.serviceArguments.port) == [53])
        }
    }

    @Test("delete all removes every rule, and succeeds on none")
    func all() async throws {
        try await APITestHarness().run { client in
            for port in [2020, 80] {
                let created = try await client.post(DeleteRouteTests.base, APITestHarness.body(port: port))
                #expect(created.status == .ok)
            }
            let first = try await client.delete(DeleteRouteTests.base + "/all")
            #expect(first.status == .noContent)
            #expect(try await client.listed().isEmpty)
            let again = try await client.delete(DeleteRouteTests.base + "/all")
            #expect(again.status == .noContent)
        }
    }

    @Test("an unknown rule is 404 with an error model")
    func unknownRule() async throws {
        try await APITestHarness().run { client in
            for path in ["/name/nope", "/externalipaddress/9.9.9.9/port/80/protocol/tcp"] {
                let response = try await client.delete(DeleteRouteTests.base + path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.isJSON)
                #expect(try response.errorModel().code == 404)
            }
        }
    }

    /// Bad path or query parameters: 400 naming the parameter, nothing deleted.
    static let badParameters: [(path: String, field: String)] = [
        ("/externalipaddress/20.20.20.1/port/http/protocol/tcp", "port"),
        ("/externalipaddress/20.20.20.1/port/2020/portmax/x/protocol/tcp", "portmax"),
        ("/externalipaddress/20.20.20.1/port/2020/portmax/70000/protocol/tcp", "portmax"),
        ("/externalipaddress/20.20.20.1/port/99999/protocol/tcp", "port"),
        ("/externalipaddress/not-an-ip/port/2020/protocol/tcp", "ip_address"),
        ("/externalipaddress/20.20.20.1/port/2020/protocol/gre", "proto"),
        ("/externalipaddress/20.20.20.1/port/2020/protocol/tcp?bgp=maybe", "bgp"),
        ("/externalipaddress/20.20.20.1/port/2020/protocol/tcp?block=abc", "block"),
        ("/hosturl/any/externalipaddress/20.20.20.1/port/2020/portmax/0/protocol/tcp?bgp=false&block=1", "block"),
    ]

    @Test("bad parameters are 400 naming them and delete nothing", arguments: badParameters)
    func badParameter(_ path: String, _ field: String) async throws {
        try await APITestHarness().run { client in
            #expect(try await client.post(DeleteRouteTests.base, APITestHarness.body()).status == .ok)
            let response = try await client.delete(DeleteRouteTests.base + path)
            #expect(response.status == .badRequest, "\(path): \(response.text)")
            #expect(response.isJSON)
            #expect(try response.errorModel().fields == [field])
            #expect(try await client.listed().count == 1)
        }
    }

    @Test("a datapath failure on delete is 500 and the rule stays")
    func datapathFailure() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            #expect(try await client.post(DeleteRouteTests.base, APITestHarness.body()).status == .ok)
            await harness.datapath.failNext(.remove)
            let response = try await client.delete(DeleteRouteTests.base + "/all")
            #expect(response.status == .internalServerError)
            #expect(try await client.listed().count == 1)
        }
    }
}
