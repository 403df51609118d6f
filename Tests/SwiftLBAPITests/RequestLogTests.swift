import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SwiftLBAPI
import SwiftLBCore
import Testing

/// Keeps every log message with its level and metadata.
final class LogRecorder: @unchecked Sendable {
    struct Entry: Equatable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let lock = NSLock()
    private var stored: [Entry] = []

    func append(_ entry: Entry) { lock.withLock { stored.append(entry) } }
    var entries: [Entry] { lock.withLock { stored } }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        recorder.append(.init(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}

@Suite("request logging")
struct RequestLogTests {
    @Test("each request is logged at debug with method, path and status")
    func debugLog() async throws {
        let recorder = LogRecorder()
        let logger = Logger(label: "swiftlb.api.test") { _ in RecordingLogHandler(recorder: recorder) }
        let harness = APITestHarness()
        let app = Application(router: makeRouter(store: harness.store, version: APITestHarness.version), logger: logger)
        try await app.test(.router) { client in
            _ = try await client.get("/netlox/v1/version")
            _ = try await client.delete("/netlox/v1/config/loadbalancer/name/none")
        }
        let requests = recorder.entries.filter { $0.message == "API request" }
        #expect(requests.map(\.level) == [.debug, .debug])
        #expect(
            requests.map { [$0.metadata["method"], $0.metadata["path"], $0.metadata["status"]] } == [
                ["GET", "/netlox/v1/version", "200"],
                ["DELETE", "/netlox/v1/config/loadbalancer/name/none", "404"],
            ])
    }
}
