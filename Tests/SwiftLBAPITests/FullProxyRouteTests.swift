import Foundation
import HummingbirdTesting
import SwiftLBCore
import Testing

/// fullproxy rules through the REST API: loxilb's field names, 400s that name the field and
/// store nothing, rules that differ only by host, delete by host URL, and nothing in the datapath.
@Suite struct FullProxyRouteTests {
    static let path = "/netlox/v1/config/loadbalancer"

    static func body(host: String, security: Int = 1, ppv2: Bool = false) -> String {
        #"{"serviceArguments":{"externalIP":"20.20.20.1","port":443,"protocol":"tcp","mode":4,"#
            + #""security":\#(security),"host":"\#(host)","proxyprotocolv2":\#(ppv2)},"#
            + #""endpoints":[{"endpointIP":"31.31.31.1","targetPort":8080,"weight":1}]}"#
    }

    @Test func hostsShareAPortAndStayOutOfTheDatapath() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            #expect(try await client.post(Self.path, Self.body(host: "a.example.com", ppv2: true)).status == .ok)
            #expect(try await client.post(Self.path, Self.body(host: "b.example.com")).status == .ok)
            let listed = try await client.listed()
            #expect(listed.map(\.serviceArguments.host) == ["a.example.com", "b.example.com"])
            #expect(listed.map(\.serviceArguments.security) == [1, 1])
            #expect(listed.map(\.serviceArguments.proxyprotocolv2) == [true, false])
            let deleted = try await client.delete(
                Self.path + "/hosturl/a.example.com/externalipaddress/20.20.20.1/port/443/protocol/tcp")
            #expect(deleted.status == .noContent)
            #expect(try await client.listed().map(\.serviceArguments.host) == ["b.example.com"])
        }
        #expect(await harness.datapath.dump() == "")
    }

    @Test(arguments: [
        (body(host: "bad host"), "serviceArguments.host"),
        (body(host: "a.example.com", security: 7), "serviceArguments.security"),
    ])
    func badFieldsAre400NamingTheFieldAndStoreNothing(body: String, field: String) async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            let response = try await client.post(Self.path, body)
            #expect(response.status == .badRequest)
            #expect(try response.errorModel().fields == [field])
            #expect(try await client.listed().isEmpty)
        }
        #expect(try await harness.config.loadAll().isEmpty)
    }
}
