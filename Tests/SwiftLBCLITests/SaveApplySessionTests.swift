import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("save and apply of GTP-U sessions and uplink classifiers")
struct SaveApplySessionTests {
    static let sessions =
        #"{"sessionAttr":[{"ident":"user1","sessionIP":"10.45.0.2","accessNetworkTunnel":{"TeID":512,"tunnelIP":"10.10.1.2"},"coreNetworkTunnel":{"teID":256,"tunnelIP":"10.10.1.1"},"uplinkCounter":"10:840","downlinkCounter":"7:588"}]}"#
    static let classifiers =
        #"{"ulclAttr":[{"ulclIdent":"user1","ulclArgument":{"qfi":9,"ulclIP":"10.10.2.11"}},{"ulclIdent":"user1","ulclArgument":{"qfi":5,"ulclIP":"10.10.2.12"}}]}"#

    /// A server whose only configuration is one session with two classifiers.
    static func server(post: @escaping @Sendable (APIRequest) -> Int = { _ in 200 }) -> FakeTransport {
        FakeTransport(answer: { request in
            if request.method != .get { return APIResponse(status: post(request)) }
            switch request.path {
            case "/netlox/v1/config/session/all": return APIResponse(status: 200, body: Data(sessions.utf8))
            case "/netlox/v1/config/sessionulcl/all": return APIResponse(status: 200, body: Data(classifiers.utf8))
            default: return APIResponse(status: 404)
            }
        })
    }

    @Test("save --session --ulcl writes loxicmd's sessionconfig.txt and sessionulclconfig.txt without counters")
    func save() async throws {
        let directory = try SaveApplyCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try await run(["save", "--session", "--ulcl", "-c", directory.path], transport: Self.server())
        #expect(output.lines.count == 2)
        let sessionText = try String(
            contentsOf: directory.appendingPathComponent("sessionconfig.txt"), encoding: .utf8)
        #expect(sessionText.hasPrefix(#"{"sessionAttr":[{"#))
        #expect(sessionText.contains(#""accessNetworkTunnel":{"TeID":512,"tunnelIP":"10.10.1.2"}"#))
        #expect(sessionText.contains(#""coreNetworkTunnel":{"teID":256,"tunnelIP":"10.10.1.1"}"#))
        #expect(!sessionText.contains("Counter"))
        let classifierData = try Data(contentsOf: directory.appendingPathComponent("sessionulclconfig.txt"))
        #expect(
            try LoxiJSON.decode(SessionUlClList.self, from: classifierData)
                == LoxiJSON.decode(SessionUlClList.self, from: Data(Self.classifiers.utf8)))
    }

    @Test("save --all includes sessions and classifiers and skips kinds the server does not have")
    func saveAll() async throws {
        let directory = try SaveApplyCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try await run(["save", "--all", "-c", directory.path], transport: Self.server())
        let written = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(written == ["sessionconfig.txt", "sessionulclconfig.txt"])
        #expect(output.lines.filter { $0.contains("skipped") }.count == SavedConfigFile.allCases.count - 2)
    }

    @Test("apply --ulcl --session posts every session before any classifier, bodies as saved")
    func apply() async throws {
        let directory = try SaveApplyCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await run(["save", "--session", "--ulcl", "-c", directory.path], transport: Self.server())
        let fresh = FakeTransport()
        try await run(
            [
                "apply", "--ulcl", directory.appendingPathComponent("sessionulclconfig.txt").path, "--session",
                directory.appendingPathComponent("sessionconfig.txt").path,
            ], transport: fresh)
        let posts = await fresh.requests
        #expect(
            posts.map(\.description) == [
                "POST /netlox/v1/config/session", "POST /netlox/v1/config/sessionulcl",
                "POST /netlox/v1/config/sessionulcl",
            ])
        let session = try LoxiJSON.decode(SessionEntry.self, from: try #require(posts[0].body))
        let expected = try LoxiJSON.decode(SessionList.self, from: Data(Self.sessions.utf8)).sessionAttr[0]
        #expect(session.ident == "user1" && session.sessionIP == "10.45.0.2")
        #expect(session.accessNetworkTunnel == expected.accessNetworkTunnel)
        #expect(session.coreNetworkTunnel == expected.coreNetworkTunnel)
        #expect(session.uplinkCounter == nil && session.downlinkCounter == nil)
        let classifiers = try posts[1...].map {
            try LoxiJSON.decode(SessionUlClEntry.self, from: try #require($0.body))
        }
        #expect(classifiers.map(\.ulclArgument.qfi) == [9, 5])
    }

    @Test("apply -f: a classifier document before its session is sent after it")
    func kubernetesStyle() async throws {
        let directory = try SaveApplyCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("upf.yaml")
        try Data(
            """
            kind: SessionULCL
            spec:
              ulclIdent: user1
              ulclArgument:
                ulclIP: 10.10.2.11
                qfi: 9
            ---
            kind: Session
            spec:
              ident: user1
              sessionIP: 10.45.0.2
              accessNetworkTunnel:
                TeID: 512
                tunnelIP: 10.10.1.2
              coreNetworkTunnel:
                teID: 256
                tunnelIP: 10.10.1.1
            """.utf8
        ).write(to: file)
        let transport = FakeTransport()
        try await run(["apply", "-f", file.path], transport: transport)
        let posts = await transport.requests
        #expect(posts.map(\.path) == ["/netlox/v1/config/session", "/netlox/v1/config/sessionulcl"])
        let session = try LoxiJSON.decode(SessionEntry.self, from: try #require(posts[0].body))
        #expect(session.accessNetworkTunnel.teid == 512 && session.coreNetworkTunnel.teid == 256)
    }

    @Test("a refused classifier deletes its classifiers and then the session")
    func rollback() async throws {
        let directory = try SaveApplyCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await run(["save", "--session", "--ulcl", "-c", directory.path], transport: Self.server())
        let refusing = Self.server(post: { request in
            guard request.method == .post, request.path == SessionPaths.createClassifier, let body = request.body,
                let entry = try? LoxiJSON.decode(SessionUlClEntry.self, from: body)
            else { return 200 }
            return entry.ulclArgument.qfi == 5 ? 400 : 200
        })
        let error = try await failure(
            [
                "apply", "--session", directory.appendingPathComponent("sessionconfig.txt").path, "--ulcl",
                directory.appendingPathComponent("sessionulclconfig.txt").path,
            ], transport: refusing)
        #expect("\(error)".contains("sessionulcl user1 10.10.2.12 refused"))
        let sent = await refusing.requests.map(\.description)
        #expect(
            sent == [
                "POST /netlox/v1/config/session", "POST /netlox/v1/config/sessionulcl",
                "POST /netlox/v1/config/sessionulcl",
                "DELETE /netlox/v1/config/sessionulcl/ident/user1/ulclAddress/10.10.2.11",
                "DELETE /netlox/v1/config/session/ident/user1",
            ])
    }

    @Test("a file of the wrong kind and --ip are refused before any request")
    func refused() async throws {
        let directory = try SaveApplyCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let classifiers = directory.appendingPathComponent("sessionulclconfig.txt")
        try Data(Self.classifiers.utf8).write(to: classifiers)
        let badTunnel = directory.appendingPathComponent("bad.txt")
        try Data(#"{"sessionAttr":[{"ident":"u","sessionIP":"10.45.0.2","accessNetworkTunnel":"x"}]}"#.utf8)
            .write(to: badTunnel)
        try await expectRefusedLocally([
            ["apply", "--session", classifiers.path], ["apply", "--session", badTunnel.path],
        ])
        let transport = FakeTransport()
        guard case .unsupported = try await failure(["save", "--ip"], transport: transport) else {
            Issue.record("save --ip was not refused as unsupported")
            return
        }
        #expect(await transport.requests.isEmpty)
    }
}
