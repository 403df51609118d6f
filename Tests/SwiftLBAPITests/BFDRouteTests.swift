import Hummingbird
import HummingbirdTesting
import Logging
import SwiftLBCore
import SwiftLBHA
import Testing

@testable import SwiftLBAPI

/// loxilb's BFD paths over the real `BFDManager` (its endpoint on a port the kernel picks, no peer answering).
@Suite("BFD API paths", .serialized)
struct BFDRouteTests {
    static func withBFD(
        _ test: @Sendable (any TestClientProtocol, InMemoryBFDConfigStore) async throws -> Void
    ) async throws {
        let harness = APITestHarness()
        let store = InMemoryBFDConfigStore()
        let bfd = BFDManager(
            store: store, logger: BGPRouteTests.logger, listenPort: 0, peerPort: 40_762)
        let app = Application(
            router: makeRouter(store: harness.store, version: APITestHarness.version, features: APIFeatures(bfd: bfd)))
        try await app.test(.router) { client in try await test(client, store) }
        await bfd.stop()
    }

    @Test("POST creates a session with loxilb's defaults, GET lists it Down, DELETE removes it, a second DELETE is 404")
    func lifecycle() async throws {
        try await Self.withBFD { client, store in
            let post = try await client.post("/netlox/v1/config/bfd", #"{"remoteIp":"10.77.0.2"}"#)
            #expect(post.status == .ok)
            let list = try await client.get("/netlox/v1/config/bfd/all")
            #expect(list.status == .ok)
            #expect(
                try list.decode(BFDSessionList.self).sessions == [
                    BFDSessionEntry(
                        config: BFDSessionConfig(
                            instance: "default", interval: 200_000, remoteIp: "10.77.0.2", retryCount: 3),
                        port: 40_762, state: "BFDDown")
                ])
            #expect(String(buffer: list.body).contains(#""Attr":[{"#))
            #expect(try await store.loadBFD().map(\.remoteIp) == ["10.77.0.2"])
            #expect(try await client.delete("/netlox/v1/config/bfd/remoteIP/10.77.0.2").status == .ok)
            #expect(try await store.loadBFD().isEmpty)
            let again = try await client.delete("/netlox/v1/config/bfd/remoteIP/10.77.0.2")
            #expect(again.status == .notFound)
        }
    }

    @Test("bad fields are 400 naming the field and store nothing; another instance's peer is 409")
    func refusals() async throws {
        try await Self.withBFD { client, store in
            for (body, field) in [
                (#"{"remoteIp":""}"#, "remoteIp"), (#"{"remoteIp":"2001:db8::1"}"#, "remoteIp"),
                (#"{"remoteIp":"10.77.0.2","interval":1000}"#, "interval"),
                (#"{"remoteIp":"10.77.0.2","retryCount":256}"#, "retryCount"),
                (#"{"remoteIp":"10.77.0.2","sourceIp":"x"}"#, "sourceIp"),
            ] {
                let response = try await client.post("/netlox/v1/config/bfd", body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.errorModel().fields == [field], "\(body)")
            }
            #expect(try await store.loadBFD().isEmpty)
            #expect(
                try await client.post("/netlox/v1/config/bfd", #"{"remoteIp":"10.77.0.2","instance":"a"}"#).status
                    == .ok)
            // The same instance may change the interval; another instance may not take the peer.
            #expect(
                try await client.post(
                    "/netlox/v1/config/bfd", #"{"remoteIp":"10.77.0.2","instance":"a","interval":300000}"#
                )
                .status == .ok)
            #expect(try await store.loadBFD().first?.interval == 300_000)
            #expect(
                try await client.post("/netlox/v1/config/bfd", #"{"remoteIp":"10.77.0.2","instance":"b"}"#).status
                    == .conflict)
            #expect(try await client.delete("/netlox/v1/config/bfd/remoteIP/10.77.0.2?instance=b").status == .notFound)
            #expect(try await client.delete("/netlox/v1/config/bfd/remoteIP/not-an-ip").status == .badRequest)
        }
    }

    @Test("a failed save changes nothing and answers 500")
    func failedSave() async throws {
        try await Self.withBFD { client, store in
            await store.setFailure(ConfigStoreError(operation: "save", reason: "disk full"))
            let post = try await client.post("/netlox/v1/config/bfd", #"{"remoteIp":"10.77.0.3"}"#)
            #expect(post.status == .internalServerError)
            let list = try await client.get("/netlox/v1/config/bfd/all")
            #expect(try list.decode(BFDSessionList.self).sessions.isEmpty)
        }
    }
}
