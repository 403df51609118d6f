import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("swiftlbctl ha")
struct HACommandTests {
    let body = #"{"Attr":[{"instance":"llb-inst0","state":"MASTER","vip":"10.9.2.1"}]}"#

    @Test("get ha (and loxicmd's alias hastate): GET .../cistate/all in loxicmd's columns")
    func get() async throws {
        for command in ["ha", "hastate"] {
            let transport = FakeTransport(status: 200, body: body)
            let output = try await run(["get", command], transport: transport)
            #expect(await transport.requests == [APIRequest(method: .get, path: "/netlox/v1/config/cistate/all")])
            #expect(
                output.lines == [
                    """
                    | INSTANCE  | HASTATE |
                    |-----------|---------|
                    | llb-inst0 | MASTER  |
                    """
                ])
        }
    }

    @Test("get ha -o wide adds the floating address; -o json prints loxilb's body")
    func formats() async throws {
        let wide = try await run(["get", "ha", "-o", "wide"], transport: FakeTransport(status: 200, body: body))
        #expect(wide.lines.joined().contains("| llb-inst0 | MASTER  | 10.9.2.1 |"))
        let json = try await run(["get", "ha", "-o", "json"], transport: FakeTransport(status: 200, body: body))
        let decoded = try LoxiJSON.decode(HAInstanceList.self, from: Data(json.lines.joined().utf8))
        #expect(decoded.instances == [HAInstanceState(instance: "llb-inst0", state: "MASTER", vip: "10.9.2.1")])
    }
}
