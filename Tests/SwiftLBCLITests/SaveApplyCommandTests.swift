import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("save and apply")
struct SaveApplyCommandTests {
    static let firewall = FirewallList(fwAttr: [
        FirewallEntry(
            ruleArguments: FirewallRuleArguments(
                sourceIP: "10.0.0.0/24", destinationIP: "20.20.20.1/32", preference: 200),
            opts: FirewallOptions(drop: true, counter: "7:420"))
    ])
    static let endpoints = EndPointList(Attr: [
        EndPointGetEntry(
            hostName: "31.31.31.1", name: "31.31.31.1_tcp_8080", inactiveReTries: 2, probeType: "tcp",
            probeDuration: 10,
            probePort: 8080, currState: "ok")
    ])

    /// A server with GetCommandTests' rules, one firewall rule and one endpoint; POSTs answer `post`.
    static func server(post: @escaping @Sendable (APIRequest) -> Int = { _ in 200 }) -> FakeTransport {
        FakeTransport(answer: { request in
            if request.method != .get { return APIResponse(status: post(request)) }
            let body: Data =
                switch request.path {
                case "/netlox/v1/config/loadbalancer/all": LoxiJSON.encode(GetCommandTests.rules)
                case "/netlox/v1/config/firewall/all": LoxiJSON.encode(firewall)
                case "/netlox/v1/config/endpoint/all": LoxiJSON.encode(endpoints)
                case "/netlox/v1/config/policy/all": LoxiJSON.encode(PolicyList())
                case "/netlox/v1/config/mirror/all": LoxiJSON.encode(MirrorList())
                case "/netlox/v1/config/session/all": LoxiJSON.encode(SessionList())
                case "/netlox/v1/config/sessionulcl/all": LoxiJSON.encode(SessionUlClList())
                default: Data()
                }
            return APIResponse(status: 200, body: body)
        })
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slb-save-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("save --all writes loxicmd's three files without SNAT rules, counters or states; apply reads them back")
    func roundTrip() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await run(["save", "--all", "-c", directory.path], transport: Self.server())

        let lbData = try Data(contentsOf: directory.appendingPathComponent("lbconfig.txt"))
        let saved = try LoxiJSON.decode(LoadBalancerList.self, from: lbData)
        #expect(saved.lbAttr.map(\.serviceArguments.externalIP) == ["20.20.20.1", "10.0.0.1"])
        #expect(saved.lbAttr.flatMap(\.endpoints).allSatisfy { $0.counter.isEmpty && $0.state.isEmpty })
        let fwData = try Data(contentsOf: directory.appendingPathComponent("FWconfig.txt"))
        #expect(String(decoding: fwData, as: UTF8.self).hasPrefix(#"{"fwAttr":[{"#))
        #expect(try LoxiJSON.decode(FirewallList.self, from: fwData).fwAttr[0].opts.counter == "")
        let epData = try Data(contentsOf: directory.appendingPathComponent("EPconfig.txt"))
        #expect(String(decoding: epData, as: UTF8.self).hasPrefix(#"{"Attr":[{"#))

        let fresh = FakeTransport()
        try await run(
            [
                "apply", "--lb", directory.appendingPathComponent("lbconfig.txt").path, "--firewall",
                directory.appendingPathComponent("FWconfig.txt").path, "--endpoint",
                directory.appendingPathComponent("EPconfig.txt").path,
            ], transport: fresh)
        let posts = await fresh.requests
        #expect(
            posts.map(\.path) == [
                "/netlox/v1/config/endpoint", "/netlox/v1/config/loadbalancer", "/netlox/v1/config/loadbalancer",
                "/netlox/v1/config/firewall",
            ])
        #expect(try entry(posts[1]).serviceArguments == GetCommandTests.rules.lbAttr[0].serviceArguments)
        #expect(try entry(posts[1]).endpoints.map(\.endpointIP) == ["31.31.31.1", "32.32.32.1"])
        let rule = try LoxiJSON.decode(FirewallEntry.self, from: try #require(posts[3].body))
        #expect(rule.ruleArguments == Self.firewall.fwAttr[0].ruleArguments)
        #expect(rule.opts.drop)
    }

    @Test("save keeps the previous file as .bk")
    func backup() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("lbconfig.txt")
        try Data("old".utf8).write(to: file)
        try await run(["save", "-l", "-c", directory.path], transport: Self.server())
        #expect(try String(contentsOf: file.appendingPathExtension("bk"), encoding: .utf8) == "old")
        #expect(try LoxiJSON.decode(LoadBalancerList.self, from: Data(contentsOf: file)).lbAttr.count == 2)
    }

    @Test("bad files are refused before any request")
    func badFiles() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("broken.txt")
        try Data(#"{"lbAttr":[{"serviceArguments":{"port":"eighty"}}]}"#.utf8).write(to: broken)
        let wrongKind = directory.appendingPathComponent("fw.txt")
        try Data(#"{"fwAttr":[]}"#.utf8).write(to: wrongKind)
        let notJSON = directory.appendingPathComponent("text.txt")
        try Data("hello".utf8).write(to: notJSON)
        let badKind = directory.appendingPathComponent("kind.yaml")
        try Data("kind: Vxlan\nspec:\n  vxlanID: 1\n".utf8).write(to: badKind)
        try await expectRefusedLocally([
            ["apply", "-l", broken.path], ["apply", "-l", wrongKind.path], ["apply", "-l", notJSON.path],
            ["apply", "-l", directory.appendingPathComponent("missing").path], ["apply"],
        ])
        let transport = FakeTransport()
        guard case .unsupported = try await failure(["apply", "-f", badKind.path], transport: transport) else {
            Issue.record("kind Vxlan was not refused as unsupported")
            return
        }
        #expect(await transport.requests.isEmpty)
    }

    @Test("a refused object deletes the ones this run created, newest first")
    func rollback() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await run(["save", "--lb", "-c", directory.path], transport: Self.server())
        let refusing = Self.server(post: { request in
            request.method == .post && (try? entry(request))?.serviceArguments.externalIP == "10.0.0.1" ? 400 : 200
        })
        let error = try await failure(
            ["apply", "-l", directory.appendingPathComponent("lbconfig.txt").path], transport: refusing)
        #expect("\(error)".contains("lb 10.0.0.1:53/udp refused"))
        let sent = await refusing.requests.map(\.description)
        #expect(
            sent == [
                "POST /netlox/v1/config/loadbalancer", "POST /netlox/v1/config/loadbalancer",
                "DELETE /netlox/v1/config/loadbalancer/name/web",
            ])
    }

    @Test("apply -f takes loxicmd's Kubernetes-style YAML, several documents")
    func kubernetesStyle() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("objects.yaml")
        try Data(
            """
            apiVersion: netlox/v1
            kind: Loadbalancer
            metadata:
              name: web
            spec:
              serviceArguments:
                externalIP: 20.20.20.1
                port: 2020
                protocol: tcp
                mode: 2
              endpoints:
                - endpointIP: 31.31.31.1
                  targetPort: 8080
                  weight: 1
            ---
            kind: Firewall
            spec:
              ruleArguments:
                sourceIP: 10.0.0.1/32
                preference: 100
              opts:
                drop: true
            """.utf8
        ).write(to: file)
        let transport = FakeTransport()
        try await run(["apply", "-f", file.path], transport: transport)
        let posts = await transport.requests
        #expect(posts.map(\.path) == ["/netlox/v1/config/loadbalancer", "/netlox/v1/config/firewall"])
        #expect(try entry(posts[0]).serviceArguments.port == 2020)
        #expect(try entry(posts[0]).endpoints.first?.targetPort == 8080)
        let rule = try LoxiJSON.decode(FirewallEntry.self, from: try #require(posts[1].body))
        #expect(rule.ruleArguments.sourceIP == "10.0.0.1/32" && rule.opts.drop)
    }
}
