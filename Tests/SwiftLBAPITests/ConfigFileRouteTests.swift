import Foundation
import Hummingbird
import HummingbirdTesting
import SwiftLBAPI
import SwiftLBCore
import Testing

/// loxilb's `GET /config/export` and `POST /config/import` through the router.
@Suite struct ConfigFileRouteTests {
    static let token = APIToken(name: "ops", scope: .admin, secret: "admin-secret-0123456789")

    @Test func anExportImportedElsewhereGivesTheSameRules() async throws {
        let source = APITestHarness()
        let box = ExportBox()
        try await source.run { client in
            #expect(
                try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body(port: 80)).status == .ok)
            #expect(
                try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body(port: 81)).status == .ok)
            let response = try await client.get("/netlox/v1/config/export")
            #expect(response.status == .ok)
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment; filename=swiftlb-config-") == true)
            await box.set(response.body)
        }
        let exported = await box.value
        let file = try LoxiJSON.decode(ConfigExport.self, from: Data(buffer: exported))
        #expect(file.loadbalancer.map(\.serviceArguments.port) == [80, 81])
        let target = APITestHarness()
        try await target.run { client in
            #expect(
                try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body(port: 99)).status == .ok)
            let imported = try await client.post("/netlox/v1/config/import", String(buffer: exported))
            #expect(imported.status == .ok)
            #expect(imported.text.contains("2 added, 0 kept, 1 removed"))
            #expect(try await client.listed().map(\.serviceArguments.port) == [80, 81])
        }
    }

    @Test func aBadImportNamesTheEntryAndChangesNothing() async throws {
        try await APITestHarness().run { client in
            #expect(
                try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body(port: 99)).status == .ok)
            let bad = #"{"loadbalancer":[\#(APITestHarness.body(port: 80)),\#(APITestHarness.body(port: 70000))]}"#
            let response = try await client.post("/netlox/v1/config/import", bad)
            #expect(response.status == .badRequest)
            #expect(try response.errorModel().fields == ["loadbalancer[1].serviceArguments.port"])
            #expect(try await client.listed().map(\.serviceArguments.port) == [99])
        }
    }

    @Test func loxilbsMultipartUploadWorksWithAToken() async throws {
        let harness = APITestHarness()
        let access = APIAccess(tokens: [Self.token])
        let app = Application(router: makeRouter(store: harness.store, version: APITestHarness.version, access: access))
        let file = #"{"loadbalancer":[\#(APITestHarness.body(port: 80))]}"#
        let form =
            "--XyZ\r\nContent-Disposition: form-data; name=\"configuration\"; filename=\"c.json\"\r\n"
            + "Content-Type: application/json\r\n\r\n\(file)\r\n--XyZ--\r\n"
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/netlox/v1/config/import", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=XyZ", .authorization: Self.token.secret],
                body: ByteBuffer(string: form))
            #expect(response.status == .ok)
            let missing = try await client.execute(
                uri: "/netlox/v1/config/import", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=XyZ", .authorization: Self.token.secret],
                body: ByteBuffer(
                    string: "--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\n{}\r\n--XyZ--\r\n"))
            #expect(missing.status == .badRequest)
        }
        #expect(await harness.store.list().map(\.serviceArguments.port) == [80])
        // Without tokens a form could come from any web page: then only JSON is taken.
        try await APITestHarness().run { client in
            let response = try await client.execute(
                uri: "/netlox/v1/config/import", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=XyZ"], body: ByteBuffer(string: form))
            #expect(response.status == .unsupportedMediaType)
        }
    }
}

/// Carries the exported file from one test server to the next.
private actor ExportBox {
    var value = ByteBuffer()
    func set(_ buffer: ByteBuffer) { value = buffer }
}

/// What the schemathesis run found, each refused now with a clear answer.
@Suite struct FuzzFindingTests {
    @Test func anImportWithoutARuleListIsRefusedNotReadAsDeleteAll() async throws {
        try await APITestHarness().run { client in
            #expect(try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body()).status == .ok)
            for body in ["{}", "null", #"{"version":"x"}"#] {
                let response = try await client.post("/netlox/v1/config/import", body)
                #expect(response.status == .badRequest, "\(body)")
            }
            #expect(try await client.listed().count == 1)
            let deliberate = try await client.post("/netlox/v1/config/import", #"{"loadbalancer":[]}"#)
            #expect(deliberate.status == .ok)
            #expect(try await client.listed().isEmpty)
        }
    }

    @Test func traceOnAKnownPathIs405AndDeleteQueriesAreCheckedEverywhere() async throws {
        try await APITestHarness().run { client in
            let trace = try await client.execute(uri: "/netlox/v1/config/loadbalancer/all", method: .trace)
            #expect(trace.status == .methodNotAllowed)
            let all = try await client.delete("/netlox/v1/config/loadbalancer/all?block=-58800")
            #expect(all.status == .badRequest)
            let named = try await client.delete("/netlox/v1/config/loadbalancer/name/web?block=3")
            #expect(named.status == .badRequest)
        }
    }

    @Test func anEndpointEntryForTheUnspecifiedAddressIsRefused() async throws {
        try await APITestHarness().run { client in
            for host in ["0.0.0.0", "::", "224.0.0.1"] {
                let response = try await client.post(
                    "/netlox/v1/config/endpoint", #"{"hostName":"\#(host)","probeType":"ping"}"#)
                #expect(response.status == .badRequest, "\(host)")
                #expect(try response.errorModel().fields == ["hostName"])
            }
        }
    }
}
