import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("swiftlbctl bfd")
struct BFDCommandTests {
    @Test("create bfd IP [flags]: loxicmd's grammar and defaults, the POST body loxilb takes")
    func create() async throws {
        for (arguments, expected) in [
            (
                ["create", "bfd", "32.32.32.2"],
                BFDSessionConfig(instance: "default", interval: 200_000, remoteIp: "32.32.32.2", retryCount: 3)
            ),
            (
                [
                    "create", "bfd", "32.32.32.2", "--instance=ha1", "--sourceIP=32.32.32.1", "--interval=300000",
                    "--retryCount=5",
                ],
                BFDSessionConfig(
                    instance: "ha1", interval: 300_000, remoteIp: "32.32.32.2", retryCount: 5, sourceIp: "32.32.32.1")
            ),
        ] {
            let transport = FakeTransport()
            let output = try await run(arguments, transport: transport)
            let request = try #require(await transport.requests.first)
            #expect(request.method == .post && request.path == "/netlox/v1/config/bfd")
            #expect(try LoxiJSON.decode(BFDSessionConfig.self, from: try #require(request.body)) == expected)
            #expect(output.lines == ["created bfd session 32.32.32.2 (instance \(expected.instance))"])
        }
    }

    @Test("bad arguments fail before any request")
    func invalid() async throws {
        try await expectRefusedLocally([
            ["create", "bfd", "32.32.32"], ["create", "bfd", "2001:db8::1"],
            ["create", "bfd", "10.0.0.2", "--interval=10"],
            ["create", "bfd", "10.0.0.2", "--retryCount=300"], ["delete", "bfd", "x"],
        ])
    }

    @Test("delete bfd IP [--instance]: DELETE .../bfd/remoteIP/IP?instance=NAME")
    func delete() async throws {
        let transport = FakeTransport()
        let output = try await run(["delete", "bfd", "32.32.32.2", "--instance=ha1"], transport: transport)
        #expect(
            await transport.requests == [
                APIRequest(method: .delete, path: "/netlox/v1/config/bfd/remoteIP/32.32.32.2?instance=ha1")
            ])
        #expect(output.lines == ["deleted bfd session 32.32.32.2"])
    }

    @Test("get bfd: loxicmd's columns, wide with interval and retries; loxilb's omitted fields decode")
    func get() async throws {
        let body =
            #"{"Attr":[{"instance":"default","remoteIp":"32.32.32.2","port":3784,"interval":200000,"retryCount":3,"state":"BFDUp"}]}"#
        let output = try await run(["get", "bfd"], transport: FakeTransport(status: 200, body: body))
        #expect(
            output.lines == [
                """
                | INSTANCE |  REMOTEIP  | STATE |
                |----------|------------|-------|
                | default  | 32.32.32.2 | BFDUp |
                """
            ])
        let wide = try await run(["get", "bfd", "-o", "wide"], transport: FakeTransport(status: 200, body: body))
        #expect(
            wide.lines.joined().contains(
                "| default  | 32.32.32.2 |          | 3784 | 200000 us |           3 | BFDUp |"))
    }
}
