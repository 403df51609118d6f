import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("HTTP client, global options and errors")
struct TransportTests {
    @Test("a closed port gives the 'cannot reach' message")
    func unreachable() async throws {
        let transport = URLSessionTransport(endpoint: APIEndpoint(host: "127.0.0.1", port: 1, timeoutSeconds: 5))
        let client = APIClient(transport: transport)
        do {
            try await client.send(APIRequest(method: .get, path: "/netlox/v1/version"))
            Issue.record("a request to 127.0.0.1:1 succeeded")
        } catch {
            guard case .unreachable(let url, let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(url == "http://127.0.0.1:1")
            #expect(!reason.isEmpty)
            #expect(
                "Error: \(error)".hasPrefix(
                    "Error: cannot reach the SwiftLB API at http://127.0.0.1:1 (is swiftlb running?): "))
        }
    }

    @Test("a server ErrorModel becomes its message and fields")
    func errorModel() async throws {
        let body =
            #"{"code":409,"sub-code":0,"message":"the name \"web\" is already used","#
            + #""fields":["serviceArguments.name"],"details":"","result":"the name \"web\" is already used"}"#
        let client = APIClient(transport: FakeTransport(status: 409, body: body))
        await #expect(
            throws: CLIError.server(
                status: 409, message: #"the name "web" is already used"#, fields: ["serviceArguments.name"])
        ) {
            try await client.send(APIRequest(method: .post, path: "/netlox/v1/config/loadbalancer"))
        }
    }

    @Test("a non-JSON error body is shown as text with its status")
    func textError() async throws {
        let client = APIClient(transport: FakeTransport(status: 502, body: "Bad Gateway\n"))
        await #expect(throws: CLIError.server(status: 502, message: "HTTP 502: Bad Gateway", fields: [])) {
            try await client.send(APIRequest(method: .get, path: "/netlox/v1/version"))
        }
    }

    @Test("loxicmd's defaults and the endpoint they give")
    func defaults() throws {
        let options = try GlobalOptions.parse([])
        #expect(try options.endpoint() == APIEndpoint(host: "127.0.0.1", port: 11111, timeoutSeconds: 5, token: nil))
        #expect(try options.endpoint().baseURL == "http://127.0.0.1:11111")
    }

    @Test("global options are accepted before and after the command")
    func globalOptionPositions() throws {
        let before = try parseCommand(["-s", "10.1.1.1", "-p", "8080", "-t", "9", "--token", "abc", "get", "lb"])
        let after = try parseCommand([
            "get", "lb", "--apiserver", "10.1.1.1", "--port=8080", "--timeout=9", "--token=abc",
        ])
        let expected = APIEndpoint(host: "10.1.1.1", port: 8080, timeoutSeconds: 9, token: "abc")
        #expect(try before.global.endpoint() == expected)
        #expect(try after.global.endpoint() == expected)
    }

    @Test("an IPv6 API server is bracketed in the URL")
    func ipv6Server() throws {
        #expect(APIEndpoint(host: "::1", port: 11111).baseURL == "http://[::1]:11111")
    }

    @Test("https on its own default port; bad values are refused with clear messages")
    func refusedOptions() throws {
        #expect(try GlobalOptions.parse(["--protocol", "https"]).endpoint().baseURL == "https://127.0.0.1:8091")
        #expect(throws: CLIError.invalidInput("--cacert needs --protocol https")) {
            try GlobalOptions.parse(["--cacert", "ca.pem"]).endpoint()
        }
        let missingCA = try GlobalOptions.parse(["--protocol", "https", "--cacert", "missing.pem"]).endpoint()
        let error = #expect(throws: CLIError.self) { _ = try HTTPSTransport(endpoint: missingCA) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("--cacert missing.pem is not a PEM certificate file"))
        #expect(throws: CLIError.invalidInput("--protocol must be http or https, not 'ftp'")) {
            try GlobalOptions.parse(["--protocol", "ftp"]).endpoint()
        }
        #expect(throws: CLIError.invalidInput("--port must be 1-65535, not 0")) {
            try GlobalOptions.parse(["-p", "0"]).endpoint()
        }
        #expect(throws: CLIError.invalidInput("--timeout must be 1-3600 seconds, not 0")) {
            try GlobalOptions.parse(["-t", "0"]).endpoint()
        }
    }

    @Test("version prints the CLI's and the server's versions")
    func version() async throws {
        let body = #"{"name":"swiftlb","version":"0.1.0","buildInfo":"abc123","buildDate":"2026-11-26"}"#
        let transport = FakeTransport(status: 200, body: body)
        let output = try await run(["version"], transport: transport)
        #expect(await transport.requests == [APIRequest(method: .get, path: "/netlox/v1/version")])
        #expect(
            output.lines == ["swiftlbctl version \(CLIVersion.current)", "swiftlb version 0.1.0 (abc123, 2026-11-26)"])
    }

    @Test("version still prints the CLI's version when the server is down")
    func versionUnreachable() async throws {
        let command = try parseCommand(["version"])
        let output = RecordingOutput()
        let transport = URLSessionTransport(endpoint: APIEndpoint(host: "127.0.0.1", port: 1))
        let environment = CLIEnvironment(client: APIClient(transport: transport), output: output)
        await #expect(throws: CLIError.self) { try await command.execute(in: environment) }
        #expect(output.lines == ["swiftlbctl version \(CLIVersion.current)"])
    }
}

/// Where swiftlbctl finds its API token when --token is not given.
@Suite struct TokenResolutionTests {
    @Test func theFlagWinsThenTheEnvironmentThenTheTokenFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slb-cli-tokens-\(UUID())").path
        try "viewer read rrrrrrrrrrrrrrrrrrrr\nops admin aaaaaaaaaaaaaaaaaaaa\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let flag = try GlobalOptions.parse(["--token", "from-flag", "--token-file", path])
        #expect(flag.resolvedToken(environment: ["SWIFTLB_TOKEN": "from-env"]) == "from-flag")
        let file = try GlobalOptions.parse(["--token-file", path])
        #expect(file.resolvedToken(environment: ["SWIFTLB_TOKEN": "from-env"]) == "from-env")
        #expect(file.resolvedToken(environment: [:]) == "aaaaaaaaaaaaaaaaaaaa")
        let fromEnvironmentFile = try GlobalOptions.parse([])
        #expect(fromEnvironmentFile.resolvedToken(environment: ["SWIFTLB_TOKEN_FILE": path]) == "aaaaaaaaaaaaaaaaaaaa")
        let missing = try GlobalOptions.parse(["--token-file", path + ".missing"])
        #expect(missing.resolvedToken(environment: [:]) == nil)
    }
}
