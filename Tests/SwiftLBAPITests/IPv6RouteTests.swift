import HummingbirdTesting
import SwiftLBCore
import Testing

@testable import SwiftLBAPI

/// IPv6 services through the REST API: NAT66 and NAT64 rules are created, listed, shown in conntrack and deleted by
/// loxicmd's path; NAT46 is refused with the field named and nothing changed.
@Suite("IPv6 services over the API")
struct IPv6RouteTests {
    @Test("a NAT64 rule (IPv6 VIP, IPv4 endpoints) is created, listed, tracked and deleted")
    func nat64() async throws {
        let harness = APITestHarness()
        try await harness.run { client in
            let body = APITestHarness.body(vip: "2001:db8::1", name: "v64", endpoints: ["31.31.31.1"])
            let created = try await client.post("/netlox/v1/config/loadbalancer", body)
            #expect(created.status == .ok, "\(created.text)")
            let entry = try #require(try await client.listed().first)
            #expect(entry.serviceArguments.externalIP == "2001:db8::1")
            #expect(entry.endpoints.map(\.endpointIP) == ["31.31.31.1"])
            let service = try #require(try await harness.datapath.programmedServices().first)
            #expect(service.key.vip == IPAddress("2001:db8::1"))

            await harness.datapath.setConnections([
                ConnectionEntry(
                    proto: .tcp, clientAddress: try #require(IPAddress("2001:db8:1::5")), clientPort: 40000,
                    serviceAddress: try #require(IPAddress("2001:db8::1")), servicePort: 2020,
                    endpointAddress: try #require(IPAddress("31.31.31.1")), endpointPort: 8080, state: "est",
                    serviceID: service.id, counters: Counters(packets: 4, bytes: 400))
            ])
            let ct = try await client.get("/netlox/v1/config/conntrack/all").decode(ConntrackList.self).ctAttr
            #expect(ct.count == 1)
            #expect(ct.first?.sourceIP == "2001:db8:1::5" && ct.first?.destinationIP == "2001:db8::1")
            #expect(ct.first?.servName == "v64")

            let path =
                "/netlox/v1/config/loadbalancer/hosturl/any/externalipaddress/2001:db8::1/port/2020/portmax/0"
                + "/protocol/tcp?bgp=false&block=0"
            #expect(try await client.delete(path).status == .noContent)
            #expect(try await client.listed().isEmpty)
        }
    }

    @Test("a NAT66 rule in fullnat mode is accepted")
    func nat66() async throws {
        try await APITestHarness().run { client in
            let body = APITestHarness.body(vip: "2001:db8::1", endpoints: ["2001:db8:2::10", "2001:db8:3::10"])
                .replacingOccurrences(of: #""mode":0"#, with: #""mode":2"#)
            #expect(try await client.post("/netlox/v1/config/loadbalancer", body).status == .ok)
            let entry = try #require(try await client.listed().first)
            #expect(entry.serviceArguments.mode == 2)
            #expect(entry.endpoints.map(\.endpointIP) == ["2001:db8:2::10", "2001:db8:3::10"])
        }
    }

    @Test("NAT46 and mixed endpoint families are refused with the field named")
    func refused() async throws {
        try await APITestHarness().run { client in
            let nat46 = try await client.post(
                "/netlox/v1/config/loadbalancer", APITestHarness.body(endpoints: ["2001:db8:2::10"]))
            #expect(nat46.status == .badRequest)
            #expect(try nat46.errorModel().fields == ["endpoints[0].endpointIP"])
            let mixed = try await client.post(
                "/netlox/v1/config/loadbalancer",
                APITestHarness.body(vip: "2001:db8::1", endpoints: ["31.31.31.1", "2001:db8:2::10"]))
            #expect(mixed.status == .badRequest)
            #expect(try mixed.errorModel().message.contains("mixes address families"))
            #expect(try await client.listed().isEmpty)
        }
    }
}
