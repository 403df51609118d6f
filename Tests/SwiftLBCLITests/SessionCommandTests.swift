import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("create, get and delete session and sessionulcl")
struct SessionCommandTests {
    @Test("create session and sessionulcl send loxilb's bodies, one POST per classifier")
    func create() async throws {
        let transport = FakeTransport()
        try await run(
            [
                "create", "session", "user1", "10.45.0.2", "--accessNetworkTunnel=512:10.10.1.2",
                "--coreNetworkTunnel=256:10.10.1.1",
            ], transport: transport)
        try await run(["create", "sessionulcl", "user1", "--ulclArgs=9:10.10.2.11,5:10.10.2.12"], transport: transport)
        let requests = await transport.requests
        #expect(
            requests.map(\.path) == [
                "/netlox/v1/config/session", "/netlox/v1/config/sessionulcl", "/netlox/v1/config/sessionulcl",
            ])
        let body = String(decoding: try #require(requests[0].body), as: UTF8.self)
        #expect(body.contains(#""accessNetworkTunnel":{"TeID":512,"tunnelIP":"10.10.1.2"}"#))
        #expect(body.contains(#""coreNetworkTunnel":{"teID":256,"tunnelIP":"10.10.1.1"}"#))
        let session = try LoxiJSON.decode(SessionEntry.self, from: try #require(requests[0].body))
        #expect(session.ident == "user1" && session.sessionIP == "10.45.0.2")
        let classifier = try LoxiJSON.decode(SessionUlClEntry.self, from: try #require(requests[2].body))
        #expect(classifier == SessionUlClEntry(ulclIdent: "user1", ulclArgument: .init(qfi: 5, ulclIP: "10.10.2.12")))
    }

    @Test("bad tunnels and classifiers are refused before any request")
    func refused() async throws {
        try await expectRefusedLocally([
            [
                "create", "session", "u", "10.45.0.2", "--accessNetworkTunnel=x:10.1.1.1",
                "--coreNetworkTunnel=1:10.1.1.2",
            ],
            ["create", "session", "u", "10.45.0.2", "--accessNetworkTunnel=5", "--coreNetworkTunnel=1:10.1.1.2"],
            ["create", "sessionulcl", "u"], ["create", "sessionulcl", "u", "--ulclArgs=nine:10.1.1.1"],
            ["delete", "sessionulcl", "u"],
        ])
    }

    @Test("delete session and sessionulcl use loxilb's paths")
    func delete() async throws {
        let transport = FakeTransport()
        try await run(["delete", "session", "user1"], transport: transport)
        try await run(["delete", "sessionulcl", "user1", "--ulclArgs=10.10.2.11"], transport: transport)
        #expect(
            await transport.requests.map(\.description) == [
                "DELETE /netlox/v1/config/session/ident/user1",
                "DELETE /netlox/v1/config/sessionulcl/ident/user1/ulclAddress/10.10.2.11",
            ])
    }

    @Test("get session -o wide prints loxicmd's tunnel columns and the counters")
    func table() async throws {
        var entry = SessionEntry(
            ident: "user1", sessionIP: "10.45.0.2", accessNetworkTunnel: .init(teid: 512, tunnelIP: "10.10.1.2"),
            coreNetworkTunnel: .init(teid: 256, tunnelIP: "10.10.1.1"))
        entry.uplinkCounter = "3:120"
        entry.downlinkCounter = "2:80"
        let body = String(decoding: LoxiJSON.encode(SessionList(sessionAttr: [entry])), as: UTF8.self)
        let output = try await run(["get", "session", "-o", "wide"], transport: FakeTransport(status: 200, body: body))
        let text = output.lines.joined(separator: "\n")
        #expect(text.contains("TeID: 512 TunnelIP: 10.10.1.2") && text.contains("TeID: 256 TunnelIP: 10.10.1.1"))
        #expect(text.contains("3:120") && text.contains("2:80"))
    }
}
