import Foundation
import SwiftLBKube
import Testing

@Suite(.timeLimit(.minutes(1))) struct KubeClientTests {
    private static func client(_ server: FakeAPIServer, token: BearerTokenSource? = .literal("t0k")) throws
        -> KubeClient
    {
        try KubeClient(config: KubeConfig(server: server.url, token: token))
    }

    @Test func listFollowsContinuePages() async throws {
        try await FakeAPIServer.with { server in
            await server.state.script(lists: [
                .json(
                    200,
                    KubeFixtures.list(
                        "ServiceList", resourceVersion: "10",
                        items: [KubeFixtures.service("a", resourceVersion: "5")], continue: "page2")),
                .json(
                    200,
                    KubeFixtures.list(
                        "ServiceList", resourceVersion: "10", items: [KubeFixtures.service("b", resourceVersion: "7")]
                    )),
            ])
            let client = try Self.client(server)
            let list = try await client.list(Service.self, namespace: "default", labelSelector: "app=web,tier!=db")
            await client.shutdown()
            #expect(list.items.map(\.metadata.name) == ["a", "b"])
            #expect(list.metadata.resourceVersion == "10")
            let requests = await server.state.requests
            #expect(requests.count == 2)
            #expect(requests.allSatisfy { $0.path == "/api/v1/namespaces/default/services" })
            #expect(
                requests.allSatisfy { $0.query["limit"] == "500" && $0.query["labelSelector"] == "app=web,tier!=db" })
            #expect(requests.allSatisfy { $0.headers["authorization"] == "Bearer t0k" })
            #expect(requests[0].query["continue"] == nil)
            #expect(requests[1].query["continue"] == "page2")
        }
    }

    @Test func watchReassemblesAnEventSplitAcrossChunks() async throws {
        try await FakeAPIServer.with { server in
            let added = KubeFixtures.event("ADDED", KubeFixtures.service("a", resourceVersion: "11"))
            let cut = added.index(added.startIndex, offsetBy: 40)
            await server.state.script(watches: [
                .stream(
                    [String(added[..<cut]), String(added[cut...]) + KubeFixtures.bookmark + "\n"], end: .close)
            ])
            let client = try Self.client(server)
            var events: [WatchEvent<Service>] = []
            for try await event in client.watch(Service.self, resourceVersion: "10", timeoutSeconds: 300) {
                events.append(event)
            }
            await client.shutdown()
            #expect(events.count == 2)
            if case .added(let service) = events.first {
                #expect(service.metadata.name == "a")
                #expect(service.metadata.resourceVersion == "11")
            } else {
                Issue.record("expected ADDED first, got \(events)")
            }
            #expect(events.last == .bookmark(resourceVersion: "48999"))
            let watch = try #require(await server.state.watchRequests.first)
            #expect(watch.path == "/api/v1/services")
            #expect(watch.query["resourceVersion"] == "10")
            #expect(watch.query["allowWatchBookmarks"] == "true")
            #expect(watch.query["timeoutSeconds"] == "300")
        }
    }

    @Test func watchErrorEvent410IsGone() async throws {
        try await FakeAPIServer.with { server in
            await server.state.script(watches: [.stream([KubeFixtures.expired + "\n"], end: .hold)])
            let client = try Self.client(server)
            await #expect(throws: KubeError.gone) {
                for try await _ in client.watch(Service.self, resourceVersion: "1", timeoutSeconds: 60) {}
            }
            await client.shutdown()
        }
    }

    @Test func watchHTTP410IsGone() async throws {
        try await FakeAPIServer.with { server in
            await server.state.script(watches: [.json(410, #"{"kind":"Status","code":410,"reason":"Expired"}"#)])
            let client = try Self.client(server)
            await #expect(throws: KubeError.gone) {
                for try await _ in client.watch(Node.self, resourceVersion: "1", timeoutSeconds: 60) {}
            }
            await client.shutdown()
        }
    }

    @Test func unauthorizedAfterOneRetry() async throws {
        try await FakeAPIServer.with { server in
            await server.state.requireToken("right")
            let client = try Self.client(server, token: .literal("wrong"))
            await #expect(throws: KubeError.unauthorized) { try await client.list(Node.self) }
            await client.shutdown()
            #expect(await server.state.requests.count == 2)
        }
    }

    @Test func rotatedTokenFileIsReReadAfter401() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try Data("old\n".utf8).write(to: file)
        try await FakeAPIServer.with { server in
            await server.state.requireToken("new")
            await server.state.script(lists: [
                .json(200, KubeFixtures.list("NodeList", resourceVersion: "3", items: []))
            ])
            let client = try Self.client(server, token: .file(file.path))
            await #expect(throws: KubeError.unauthorized) { try await client.list(Node.self) }
            try Data("new\n".utf8).write(to: file)
            let list = try await client.list(Node.self)
            await client.shutdown()
            #expect(list.metadata.resourceVersion == "3")
            let tokens = await server.state.requests.map { $0.headers["authorization"] ?? "" }
            #expect(tokens == ["Bearer old", "Bearer old", "Bearer old", "Bearer new"])
        }
    }

    @Test func patchServiceStatusSendsAMergePatch() async throws {
        try await FakeAPIServer.with { server in
            await server.state.script(others: [.json(200, KubeFixtures.service)])
            let client = try Self.client(server)
            try await client.patchServiceStatus(
                ObjectKey(namespace: "shop", name: "web"),
                ingress: [LoadBalancerIngress(ip: "192.0.2.10", ipMode: "VIP"), LoadBalancerIngress(ip: "2001:db8::a")])
            try await client.patchServiceStatus(ObjectKey(namespace: "shop", name: "web"), ingress: [])
            await client.shutdown()
            let requests = await server.state.requests
            #expect(requests.count == 2)
            #expect(requests.allSatisfy { $0.method == "PATCH" })
            #expect(requests.allSatisfy { $0.path == "/api/v1/namespaces/shop/services/web/status" })
            #expect(requests.allSatisfy { $0.headers["content-type"] == "application/merge-patch+json" })
            #expect(
                requests[0].body
                    == #"{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10","ipMode":"VIP"},"#
                    + #"{"ip":"2001:db8::a"}]}}}"#
            )
            #expect(requests[1].body == #"{"status":{"loadBalancer":{"ingress":[]}}}"#)
        }
    }

    @Test func recordEventPostsToTheObjectsNamespace() async throws {
        try await FakeAPIServer.with { server in
            let client = try Self.client(server)
            let reference = ObjectReference(
                kind: "Service", namespace: "shop", name: "web", uid: "u1", apiVersion: "v1")
            try await client.recordEvent(on: reference, type: .warning, reason: "NoIP", message: "pool exhausted")
            await client.shutdown()
            let request = try #require(await server.state.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/api/v1/namespaces/shop/events")
            #expect(request.headers["content-type"] == "application/json")
            let event = try JSONDecoder().decode(KubeEvent.self, from: Data(request.body.utf8))
            #expect(event.metadata.generateName == "web.")
            #expect(event.involvedObject == reference)
            #expect(event.type == .warning)
            #expect(event.reason == "NoIP")
            #expect(event.message == "pool exhausted")
            #expect(event.source.component == "swiftlb-kube")
        }
    }

    @Test func statusCodesBecomeTypedErrors() async throws {
        try await FakeAPIServer.with { server in
            let status = #"{"kind":"Status","message":"services \"web\" is forbidden","code":403}"#
            await server.state.script(others: [
                .json(403, status), .json(404, #"{"message":"services \"web\" not found"}"#),
                .json(500, "not json"),
            ])
            let client = try Self.client(server)
            let key = ObjectKey(namespace: "shop", name: "web")
            await #expect(throws: KubeError.forbidden(#"services "web" is forbidden"#)) {
                try await client.patchServiceStatus(key, ingress: [])
            }
            await #expect(throws: KubeError.notFound(#"services "web" not found"#)) {
                try await client.patchServiceStatus(key, ingress: [])
            }
            await #expect(
                throws: KubeError.status(code: 500, message: "PATCH /api/v1/namespaces/shop/services/web/status")
            ) {
                try await client.patchServiceStatus(key, ingress: [])
            }
            await client.shutdown()
        }
    }

    @Test func unreachableServerIsATransportError() async throws {
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:1"))
        do {
            _ = try await client.list(Service.self)
            Issue.record("expected an error")
        } catch {
            guard case .transport = error else {
                Issue.record("expected a transport error, got \(error)")
                await client.shutdown()
                return
            }
        }
        await client.shutdown()
    }
}
