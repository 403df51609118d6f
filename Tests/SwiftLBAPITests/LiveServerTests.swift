import Foundation
import Hummingbird
import HummingbirdTesting
import SwiftLBAPI
import SwiftLBCore
import Testing

@Suite("the API over a real HTTP server")
struct LiveServerTests {
    @Test("create, list, unknown path and an oversized body over real HTTP")
    func live() async throws {
        let harness = APITestHarness()
        let app = Application(router: makeRouter(store: harness.store, version: APITestHarness.version))
        try await app.test(.live) { client in
            let created = try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body())
            #expect(created.status == .ok)
            #expect(created.isJSON)
            #expect(try await client.listed().count == 1)

            let unknown = try await client.get("/netlox/v1/nothing")
            #expect(unknown.status == .notFound)
            #expect(unknown.isJSON)

            let padding = String(repeating: " ", count: (1 << 20) + 10)
            let large = try await client.post("/netlox/v1/config/loadbalancer", APITestHarness.body() + padding)
            #expect(large.status == .contentTooLarge)
            #expect(try await client.listed().count == 1)
        }
    }
}
