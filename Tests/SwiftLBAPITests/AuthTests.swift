import Foundation
import Hummingbird
import HummingbirdTesting
import SwiftLBAPI
import SwiftLBCore
import Testing

/// Tokens, scopes, loxicmd's login and the JSON content-type rule, through the router.
@Suite struct AuthTests {
    static let admin = APIToken(name: "ops", scope: .admin, secret: "admin-secret-0123456789")
    static let reader = APIToken(name: "grafana", scope: .read, secret: "read-secret-0123456789")
    static let lb = "/netlox/v1/config/loadbalancer"

    func run(_ test: @Sendable (any TestClientProtocol, APITestHarness) async throws -> Void) async throws {
        let harness = APITestHarness()
        let access = APIAccess(tokens: [Self.admin, Self.reader])
        let app = Application(router: makeRouter(store: harness.store, version: APITestHarness.version, access: access))
        try await app.test(.router) { client in try await test(client, harness) }
    }

    static func headers(_ authorization: String?, json: Bool = true) -> HTTPFields {
        var fields: HTTPFields = json ? [.contentType: "application/json"] : [:]
        if let authorization { fields[.authorization] = authorization }
        return fields
    }

    @Test func withoutAValidTokenEveryPathAnswers401AndNothingChanges() async throws {
        try await run { client, harness in
            for authorization in [nil, "", "Bearer ", "Bearer wrong-token-0123456789", "wrong-token-0123456789"] {
                for (method, path) in [
                    (HTTPRequest.Method.get, Self.lb + "/all"), (.post, Self.lb), (.get, "/metrics"),
                ] {
                    let response = try await client.execute(
                        uri: path, method: method, headers: Self.headers(authorization),
                        body: ByteBuffer(string: APITestHarness.body()))
                    #expect(response.status == .unauthorized, "\(method) \(path) with \(authorization ?? "nothing")")
                    #expect(response.isJSON)
                    #expect(try response.errorModel().fields == ["Authorization"])
                }
            }
            #expect(await harness.store.list().isEmpty)
        }
    }

    @Test func theReadinessProbeNeedsNoTokenAndTurns200OnceTheRulesAreProgrammed() async throws {
        try await run { client, harness in
            let loading = try await client.execute(
                uri: "/netlox/v1/status/ready", method: .get, headers: Self.headers(nil, json: false))
            #expect(loading.status == .serviceUnavailable)
            #expect(String(buffer: loading.body) == #"{"ready":false}"#)
            try await harness.store.restore()
            let ready = try await client.execute(
                uri: "/netlox/v1/status/ready", method: .get, headers: Self.headers(nil, json: false))
            #expect(ready.status == .ok)
            #expect(String(buffer: ready.body) == #"{"ready":true}"#)
        }
    }

    @Test func anAdminTokenWorksAsBearerAndBareAsLoxicmdSendsIt() async throws {
        try await run { client, harness in
            for (index, authorization) in [
                "Bearer \(Self.admin.secret)", Self.admin.secret, "bearer  \(Self.admin.secret)",
            ]
            .enumerated() {
                let created = try await client.execute(
                    uri: Self.lb, method: .post, headers: Self.headers(authorization),
                    body: ByteBuffer(string: APITestHarness.body(port: 2000 + index)))
                #expect(created.status == .ok, "\(authorization)")
            }
            #expect(await harness.store.list().count == 3)
        }
    }

    @Test func aReadTokenReadsButMayNotWrite() async throws {
        try await run { client, harness in
            let read = Self.headers("Bearer \(Self.reader.secret)")
            #expect(try await client.execute(uri: Self.lb + "/all", method: .get, headers: read).status == .ok)
            #expect(try await client.execute(uri: "/metrics", method: .get, headers: read).status == .ok)
            let post = try await client.execute(
                uri: Self.lb, method: .post, headers: read, body: ByteBuffer(string: APITestHarness.body()))
            #expect(post.status == .forbidden)
            #expect(try post.errorModel().message.contains("grafana may only read"))
            let delete = try await client.execute(uri: Self.lb + "/all", method: .delete, headers: read)
            #expect(delete.status == .forbidden)
            #expect(await harness.store.list().isEmpty)
        }
    }

    @Test func loxicmdLoginTradesNameAndSecretForTheToken() async throws {
        try await run { client, _ in
            let good = try await client.execute(
                uri: "/netlox/v1/auth/login", method: .post, headers: Self.headers(nil),
                body: ByteBuffer(string: #"{"username":"ops","password":"\#(Self.admin.secret)"}"#))
            #expect(good.status == .ok)
            #expect(good.text == #"{"token":"\#(Self.admin.secret)"}"#)
            for body in [
                #"{"username":"grafana","password":"\#(Self.admin.secret)"}"#, #"{"username":"ops","password":"x"}"#,
            ] {
                let bad = try await client.execute(
                    uri: "/netlox/v1/auth/login", method: .post, headers: Self.headers(nil),
                    body: ByteBuffer(string: body))
                #expect(bad.status == .unauthorized)
            }
            let logout = try await client.execute(
                uri: "/netlox/v1/auth/logout", method: .post, headers: Self.headers(Self.admin.secret, json: false))
            #expect(logout.status == .ok)
        }
    }

    @Test func aWriteWhoseBodyIsNotDeclaredJSONAnswers415AndChangesNothing() async throws {
        try await run { client, harness in
            for type in ["text/plain", "application/x-www-form-urlencoded", nil] {
                var headers = Self.headers("Bearer \(Self.admin.secret)", json: false)
                if let type { headers[.contentType] = type }
                let response = try await client.execute(
                    uri: Self.lb, method: .post, headers: headers, body: ByteBuffer(string: APITestHarness.body()))
                #expect(response.status == .unsupportedMediaType, "\(type ?? "none")")
                #expect(try response.errorModel().fields == ["Content-Type"])
            }
            var charset = Self.headers("Bearer \(Self.admin.secret)", json: false)
            charset[.contentType] = "application/json; charset=utf-8"
            let accepted = try await client.execute(
                uri: Self.lb, method: .post, headers: charset, body: ByteBuffer(string: APITestHarness.body()))
            #expect(accepted.status == .ok)
            #expect(await harness.store.list().count == 1)
        }
    }

    @Test func bgpRulesAreRefusedWhenTheDaemonRunsWithoutBGP() async throws {
        try await APITestHarness().run { client in
            let body = APITestHarness.body().replacingOccurrences(of: #""BGP":false"#, with: #""BGP":true"#)
            let response = try await client.post(Self.lb, body)
            #expect(response.status == .badRequest)
            #expect(try response.errorModel().fields == ["serviceArguments.bgp"])
            #expect(try await client.listed().isEmpty)
        }
    }

    @Test func aFractionalPortIsRefusedNamingTheField() async throws {
        try await APITestHarness().run { client in
            let body = APITestHarness.body().replacingOccurrences(of: #""port":2020"#, with: #""port":2020.0"#)
            let response = try await client.post(Self.lb, body)
            #expect(response.status == .badRequest)
            #expect(try response.errorModel().fields == ["serviceArguments.port"])
            #expect(try await client.listed().isEmpty)
        }
    }
}
