import Foundation
import SwiftLBKube
import Testing

/// The changes a reflector reported, in order.
actor ChangeLog<T: KubeResource> {
    private(set) var changes: [ReflectorChange<T>] = []

    func append(_ change: ReflectorChange<T>) {
        changes.append(change)
    }

    var syncs: Int {
        changes.filter {
            if case .synced = $0 { return true }
            return false
        }.count
    }
}

@Suite(.timeLimit(.minutes(1))) struct ReflectorTests {
    private static let fastBackoff = ReflectorBackoff(initial: .milliseconds(10), maximum: .milliseconds(50))

    private static func service(_ name: String, _ version: String, port: Int = 80) throws -> Service {
        try JSONDecoder().decode(
            Service.self, from: Data(KubeFixtures.service(name, resourceVersion: version, port: port).utf8))
    }

    private static func names(_ change: ReflectorChange<Service>) -> String {
        switch change {
        case .synced(let services): return "synced " + services.map(\.metadata.name).joined(separator: ",")
        case .upserted(let service):
            return "upserted \(service.metadata.name)@\(service.metadata.resourceVersion ?? "")"
        case .deleted(let service): return "deleted \(service.metadata.name)@\(service.metadata.resourceVersion ?? "")"
        }
    }

    /// Runs a reflector against `server` until `done` holds (or 10 s pass), then cancels it.
    private static func run(
        _ server: FakeAPIServer, until done: @escaping @Sendable (ChangeLog<Service>, Reflector<Service>) async -> Bool
    ) async throws -> (ChangeLog<Service>, Reflector<Service>) {
        let client = try KubeClient(config: KubeConfig(server: server.url, token: .literal("t")))
        let reflector = Reflector(
            Service.self, client: client, watchTimeout: 240...360, backoff: fastBackoff)
        let log = ChangeLog<Service>()
        let task = Task { await reflector.run { await log.append($0) } }
        let finished = await eventually { await done(log, reflector) }
        task.cancel()
        await task.value
        await client.shutdown()
        #expect(finished, "the reflector did not reach the expected state in time")
        return (log, reflector)
    }

    @Test func listsWatchesResumesAndRelistsOn410() async throws {
        try await FakeAPIServer.with { server in
            let a = KubeFixtures.service("a", resourceVersion: "90")
            let b = KubeFixtures.service("b", resourceVersion: "95")
            let added = KubeFixtures.event("ADDED", KubeFixtures.service("c", resourceVersion: "120"))
            let cut = added.index(added.startIndex, offsetBy: 30)
            await server.state.script(
                lists: [
                    .json(200, KubeFixtures.list("ServiceList", resourceVersion: "100", items: [a, b])),
                    .json(
                        200,
                        KubeFixtures.list(
                            "ServiceList", resourceVersion: "300",
                            items: [
                                KubeFixtures.service("c", resourceVersion: "120"),
                                KubeFixtures.service("b", resourceVersion: "250", port: 443),
                            ])),
                ],
                watches: [
                    // c arrives split across two chunks, then a bookmark, then the connection drops
                    // in the middle of the next event.
                    .stream(
                        [
                            String(added[..<cut]), String(added[cut...]),
                            KubeFixtures.bookmark.replacingOccurrences(
                                of: "48999", with: "150") + "\n", #"{"type":"MODIFIED","obj"#,
                        ],
                        end: .abort),
                    .stream(
                        [
                            KubeFixtures.event(
                                "MODIFIED", KubeFixtures.service("b", resourceVersion: "160", port: 8080)),
                            KubeFixtures.event("DELETED", KubeFixtures.service("a", resourceVersion: "170")),
                            KubeFixtures.expired + "\n",
                        ], end: .hold),
                ])
            let (log, reflector) = try await Self.run(server) { log, reflector in
                let syncs = await log.syncs
                let watches = await reflector.watchesStarted
                // The reflector counts a watch before its request reaches the server.
                let received = await server.state.watchRequests.count
                return syncs == 2 && watches == 3 && received == 3
            }
            let changes = await log.changes
            #expect(
                changes.map(Self.names) == [
                    "synced a,b", "upserted c@120", "upserted b@160", "deleted a@170", "synced b,c",
                ])
            // The relist's set replaces everything: b in its newest state, c once, a gone.
            if case .synced(let services) = changes.last {
                #expect(services == [try Self.service("b", "250", port: 443), try Self.service("c", "120")])
            }
            #expect(await reflector.cache.keys.sorted().map(\.name) == ["b", "c"])
            #expect(await reflector.relists == 1)
            #expect(await reflector.watchesStarted == 3)
            #expect(await reflector.resourceVersion == "300")
            let watches = await server.state.watchRequests
            // Resumed from the bookmark after the drop; after the 410, from the new list's version.
            #expect(watches.map { $0.query["resourceVersion"] ?? "" } == ["100", "150", "300"])
            #expect(watches.allSatisfy { $0.query["allowWatchBookmarks"] == "true" })
            #expect(
                watches.allSatisfy { Int($0.query["timeoutSeconds"] ?? "").map { (240...360).contains($0) } == true })
            #expect(await server.state.requests.filter { $0.query["watch"] == nil }.count == 2)
        }
    }

    @Test func cleanWatchEndResumesFromTheLastObjectVersion() async throws {
        try await FakeAPIServer.with { server in
            await server.state.script(
                lists: [.json(200, KubeFixtures.list("ServiceList", resourceVersion: "5", items: []))],
                watches: [
                    .stream([KubeFixtures.event("ADDED", KubeFixtures.service("x", resourceVersion: "9"))], end: .close)
                ])
            // The reflector counts a watch before its request reaches the server, so wait for both.
            let (log, reflector) = try await Self.run(server) { _, reflector in
                let started = await reflector.watchesStarted
                let received = await server.state.watchRequests.count
                return started == 2 && received == 2
            }
            #expect(await log.changes.map(Self.names) == ["synced ", "upserted x@9"])
            #expect(await reflector.relists == 0)
            #expect(await server.state.watchRequests.map { $0.query["resourceVersion"] ?? "" } == ["5", "9"])
        }
    }

    @Test func failedListIsRetriedWithBackoff() async throws {
        try await FakeAPIServer.with { server in
            await server.state.script(lists: [
                .json(503, #"{"message":"etcd unavailable"}"#),
                .json(200, KubeFixtures.list("ServiceList", resourceVersion: "8", items: [])),
            ])
            let (log, reflector) = try await Self.run(server) { _, reflector in await reflector.watchesStarted == 1 }
            #expect(await log.changes.map(Self.names) == ["synced "])
            #expect(await reflector.relists == 0)
            #expect(await server.state.requests.filter { $0.query["watch"] == nil }.count == 2)
        }
    }

    @Test func backoffDoublesWithJitterAndResets() {
        var backoff = ReflectorBackoff()
        let delays = (0..<10).map { _ in backoff.nextDelay() }
        #expect(delays[0] >= .milliseconds(250) && delays[0] <= .milliseconds(500))
        #expect(delays[1] >= .milliseconds(500) && delays[1] <= .seconds(1))
        #expect(delays.allSatisfy { $0 <= .seconds(30) })
        #expect(delays[9] >= .seconds(15))
        backoff.reset()
        #expect(backoff.nextDelay() <= .milliseconds(500))
    }
}
