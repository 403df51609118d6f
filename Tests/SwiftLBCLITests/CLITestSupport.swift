import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

/// A transport that records every request and answers from a script.
actor FakeTransport: HTTPTransport {
    private(set) var requests: [APIRequest] = []
    private let answer: @Sendable (APIRequest) -> APIResponse

    init(answer: @escaping @Sendable (APIRequest) -> APIResponse = { _ in APIResponse(status: 200) }) {
        self.answer = answer
    }

    /// Answers every request with `status` and `body`.
    init(status: Int, body: String = "") {
        self.init(answer: { _ in APIResponse(status: status, body: Data(body.utf8)) })
    }

    func send(_ request: APIRequest) async throws(CLIError) -> APIResponse {
        requests.append(request)
        return answer(request)
    }
}

/// An output sink that keeps what was printed.
final class RecordingOutput: OutputSink, @unchecked Sendable {
    private let lock = NSLock()
    private var out: [String] = []
    private var err: [String] = []

    func write(_ text: String) { lock.withLock { out.append(text) } }
    func writeError(_ text: String) { lock.withLock { err.append(text) } }

    var lines: [String] { lock.withLock { out } }
    var errors: [String] { lock.withLock { err } }
}

/// Parses `arguments` as `swiftlbctl` would and returns the leaf command.
func parseCommand(_ arguments: [String]) throws -> any APICommand {
    let command = try SwiftLBCtl.parseAsRoot(arguments)
    return try #require(command as? any APICommand, "\(arguments) is not an API command")
}

/// Parses and executes `arguments` against `transport`; returns what was printed.
@discardableResult
func run(_ arguments: [String], transport: FakeTransport) async throws -> RecordingOutput {
    let command = try parseCommand(arguments)
    let output = RecordingOutput()
    let environment = CLIEnvironment(
        client: APIClient(transport: transport), output: output, format: command.global.output)
    try await command.execute(in: environment)
    return output
}

/// Runs `arguments` and returns the CLIError it fails with.
func failure(_ arguments: [String], transport: FakeTransport = FakeTransport()) async throws -> CLIError {
    do {
        try await run(arguments, transport: transport)
    } catch let error as CLIError {
        return error
    }
    Issue.record("\(arguments) did not fail")
    return .invalidInput("")
}

/// Expects each argument list to fail with `invalidInput` before any request is sent.
func expectRefusedLocally(_ argumentLists: [[String]]) async throws {
    for arguments in argumentLists {
        let transport = FakeTransport()
        let error = try await failure(arguments, transport: transport)
        guard case .invalidInput = error else {
            Issue.record("\(arguments): \(error)")
            continue
        }
        #expect(await transport.requests.isEmpty, "\(arguments)")
    }
}

/// Decodes a request body as a loxilb entry.
func entry(_ request: APIRequest) throws -> LoadBalancerEntry {
    try LoxiJSON.decode(LoadBalancerEntry.self, from: try #require(request.body))
}
