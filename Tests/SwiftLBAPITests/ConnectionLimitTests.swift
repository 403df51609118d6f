import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SwiftLBAPI
import SwiftLBCore
import Testing

/// The API server's connection limits over real sockets: idle and slow clients are closed, and
/// connections over the maximum are refused at accept while the others keep being served.
@Suite(.serialized) struct ConnectionLimitTests {
    static let logger = Logger(label: "swiftlb.api.test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let request = "GET /netlox/v1/version HTTP/1.1\r\nHost: x\r\n\r\n"

    func serve(
        idle: Double, header: Double, body: Double, maxConnections: Int,
        _ test: @Sendable (Int, ConnectionGate) async throws -> Void
    ) async throws {
        let harness = APITestHarness()
        let settings = APIServerSettings(
            host: "localhost", port: 0, deadlines: .init(idle: idle, header: header, body: body),
            maxConnections: maxConnections)
        let gate = ConnectionGate(limit: maxConnections, logger: Self.logger)
        let app = makeApplication(
            store: harness.store, version: APITestHarness.version, settings: settings, gate: gate, logger: Self.logger)
        try await app.test(.live) { client in
            try await test(try #require(client.port), gate)
        }
    }

    @Test func anIdleConnectionIsClosedAndARequestStillAnswered() async throws {
        try await serve(idle: 0.3, header: 0.6, body: 0.6, maxConnections: 64) { port, _ in
            let idle = try RawTCPClient(port: port)
            #expect(idle.closes(within: 5))
            let active = try RawTCPClient(port: port)
            #expect(active.send(Self.request))
            guard case .data(let answer) = active.read(within: 5) else {
                Issue.record("no answer")
                return
            }
            #expect(answer.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func aHeaderSentOneByteAtATimeIsCutOff() async throws {
        try await serve(idle: 2, header: 0.5, body: 0.5, maxConnections: 64) { port, _ in
            let slow = try RawTCPClient(port: port)
            #expect(slow.send("GET /netlox/v1/version HTTP/1.1\r\n"))
            // Each byte arrives well within the idle time; only the header deadline can close it.
            var closed = false
            for _ in 0..<50 where !closed {
                try await Task.sleep(for: .milliseconds(100))
                closed = !slow.send("X") || slow.read(within: 0) == .closed
            }
            #expect(closed)
        }
    }

    @Test func aBodyThatNeverEndsIsCutOff() async throws {
        try await serve(idle: 5, header: 5, body: 0.4, maxConnections: 64) { port, _ in
            let stalled = try RawTCPClient(port: port)
            let head = "POST /netlox/v1/config/loadbalancer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            #expect(stalled.send(head + "Content-Length: 100\r\n\r\n{\"ser"))
            #expect(stalled.closes(within: 5))
        }
    }

    @Test func connectionsOverTheLimitAreRefusedAndServiceGoesOn() async throws {
        try await serve(idle: 30, header: 30, body: 30, maxConnections: 3) { port, gate in
            // Every client of this block is closed (deinit) when it ends.
            do {
                var clients: [RawTCPClient] = []
                for _ in 0..<5 { clients.append(try RawTCPClient(port: port)) }
                // The test framework's own client may hold one slot, so two or three are refused.
                let refused = clients.filter { $0.closes(within: 1) }
                #expect((2...3).contains(refused.count))
                #expect(gate.refused >= 2)
                let kept = clients.filter { client in !refused.contains { $0 === client } }
                for client in kept {
                    #expect(client.send(Self.request))
                    guard case .data(let answer) = client.read(within: 5) else {
                        Issue.record("an admitted connection got no answer")
                        continue
                    }
                    #expect(answer.hasPrefix("HTTP/1.1 200"))
                }
            }
            // Slots come back as connections close.
            var served = false
            for _ in 0..<50 where !served {
                let next = try RawTCPClient(port: port)
                next.send(Self.request)
                if case .data(let answer) = next.read(within: 1) { served = answer.hasPrefix("HTTP/1.1 200") }
            }
            #expect(served)
        }
    }
}
