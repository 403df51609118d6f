import AsyncHTTPClient
import Hummingbird
import HummingbirdTesting
import Logging
import SwiftLBAPI
import SwiftLBCore
import Testing

@testable import SwiftLBKube

@Suite("--setBGP: every instance gets the AS, the other instances and the external peers")
struct BGPMeshTests {
    @Test("flags are checked: AS range, IP:AS peers (IPv6 too)")
    func parsing() throws {
        let mesh = try BGPMesh(localAS: 64512, externalPeers: "50.50.50.1:65101,fd00::1:65102,[fd00::2]:65103")
        #expect(
            mesh.externalPeers.map { "\($0.address) \($0.remoteAS)" } == [
                "50.50.50.1 65101", "fd00::1 65102", "fd00::2 65103",
            ])
        #expect(throws: BGPMesh.ParseError.self) { try BGPMesh(localAS: 0) }
        #expect(throws: BGPMesh.ParseError.self) { try BGPMesh(localAS: 64512, externalPeers: "50.50.50.1") }
        #expect(throws: BGPMesh.ParseError.self) { try BGPMesh(localAS: 64512, externalPeers: "router:65001") }
        #expect(BGPMesh.host(of: "http://[fd00::2]:11111") == "fd00::2")
    }

    @Test("two live instances: global, the iBGP peer and the external peer on each; a second run changes nothing")
    func configures() async throws {
        let logger = Logger(label: "kube.test", factory: { _ in SwiftLogNoOpLogHandler() })
        let version = VersionInfo(version: "test", buildInfo: "test", buildDate: "2026-01-01")
        let stores = [InMemoryBGPConfigStore(), InMemoryBGPConfigStore()]
        let bgps = stores.map { BGPDesiredState(store: $0, logger: logger) }
        let rules = RuleStore(config: InMemoryConfigStore(), datapath: InMemoryDatapath(), logger: logger)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let mesh = try BGPMesh(localAS: 64512, listenPort: 1791, externalPeers: "50.50.50.1:65101")
        do {
            try await Application(
                router: makeRouter(store: rules, version: version, features: APIFeatures(bgp: bgps[0]))
            ).test(.live) {
                first in
                try await Application(
                    router: makeRouter(store: rules, version: version, features: APIFeatures(bgp: bgps[1]))
                ).test(.live) {
                    second in
                    // Both listen on loopback; each is configured among itself and the other's
                    // cluster address (a URL only named, never called), which must become its peer.
                    let live = [first.port!, second.port!].map {
                        SwiftLBAPIClient(baseURL: "http://127.0.0.1:\($0)", token: nil, http: http)
                    }
                    let named = ["10.99.0.1", "10.99.0.2"].map {
                        SwiftLBAPIClient(baseURL: "http://\($0):11111", token: nil, http: http)
                    }
                    for _ in 0..<2 {
                        try await mesh.configure(live[0], among: [live[0], named[1]])
                        try await mesh.configure(live[1], among: [named[0], live[1]])
                    }
                }
            }
        } catch {
            try await http.shutdown()
            throw error
        }
        try await http.shutdown()
        for (index, store) in stores.enumerated() {
            let config = try await store.loadBGP()
            #expect(config.global?.localAs == 64512)
            #expect(config.global?.routerId == "127.0.0.1")
            #expect(config.global?.listenPort == 1791)
            let peers = config.neighbors.map { "\($0.ipAddress) \($0.remoteAs) \($0.remotePort)" }.sorted()
            #expect(peers == ["10.99.0.\(2 - index) 64512 1791", "50.50.50.1 65101 179"])
        }
    }
}
