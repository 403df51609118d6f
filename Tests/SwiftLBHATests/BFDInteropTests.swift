import Foundation
import SwiftLBCore
import Testing

@testable import SwiftLBHA

/// Against a real BFD implementation (FRR's bfdd), when SWIFTLB_BFD_PEER names it: the session
/// comes Up, then goes Down when the peer stops (the caller stops it once the peer shows Up and
/// sets nothing else). Skipped otherwise.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SWIFTLB_BFD_PEER"] != nil, "needs SWIFTLB_BFD_PEER"))
struct BFDInteropTests {
    @Test("a session with a real peer comes Up, and goes Down by detection time when the peer stops")
    func realPeer() async throws {
        let text = try #require(ProcessInfo.processInfo.environment["SWIFTLB_BFD_PEER"])
        let peer = try #require(IPAddress(text))
        let log = BFDEndpointTests.Log()
        let endpoint = try BFDEndpoint(onChange: { _, transition in
            log.record(transition)
            print(
                "bfd transition \(transition.from) -> \(transition.to) (\(transition.diagnostic)) at \(Date().timeIntervalSince1970)"
            )
        })
        defer { endpoint.stop() }
        try endpoint.add(peer: peer, settings: .init(interval: .milliseconds(200), detectMultiplier: 3))
        let up = ContinuousClock.now + .seconds(20)
        while endpoint.statuses().first?.state != .up, ContinuousClock.now < up {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(endpoint.statuses().first?.state == .up)
        let down = ContinuousClock.now + .seconds(60)
        while endpoint.statuses().first?.state == .up, ContinuousClock.now < down {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(log.all.last?.to == .down)
    }
}
