import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore

/// One request as the fake API server received it.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    /// Header values by lower-case name.
    var headers: [String: String]
    var body: String
}

/// How a scripted watch response ends.
enum WatchEnd: Sendable {
    /// The chunked body ends cleanly, as when the server's timeoutSeconds elapse.
    case close
    /// The connection is dropped without the last chunk.
    case abort
    /// The stream stays open until the test stops the server.
    case hold
}

/// A scripted answer.
enum FakeReply: Sendable {
    /// A whole JSON body with this status.
    case json(Int, String)
    /// A 200 chunked body, written chunk by chunk with a pause between chunks.
    case stream([String], end: WatchEnd)
}

/// The fake API server's script and log: list (GET without watch), watch and other requests are
/// answered from their own queues; an empty watch queue holds the stream open.
actor FakeAPIState {
    private(set) var requests: [RecordedRequest] = []
    private var lists: [FakeReply] = []
    private var watches: [FakeReply] = []
    private var others: [FakeReply] = []
    private var acceptedToken: String?
    private(set) var stopped = false

    func script(lists: [FakeReply] = [], watches: [FakeReply] = [], others: [FakeReply] = []) {
        self.lists += lists
        self.watches += watches
        self.others += others
    }

    /// Requests without `Authorization: Bearer <token>` get 401 from now on.
    func requireToken(_ token: String) {
        acceptedToken = token
    }

    func stop() {
        stopped = true
    }

    var watchRequests: [RecordedRequest] { requests.filter { $0.query["watch"] == "true" } }

    func reply(to request: RecordedRequest) -> FakeReply {
        requests.append(request)
        if let acceptedToken, request.headers["authorization"] != "Bearer \(acceptedToken)" {
            return .json(
                401, #"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Unauthorized","code":401}"#)
        }
        if request.method != "GET" {
            return others.isEmpty ? .json(201, "{}") : others.removeFirst()
        }
        if request.query["watch"] == "true" {
            return watches.isEmpty ? .stream([], end: .hold) : watches.removeFirst()
        }
        return lists.isEmpty ? .json(500, #"{"message":"no list scripted"}"#) : lists.removeFirst()
    }
}

/// An in-process HTTP server on 127.0.0.1 playing the Kubernetes API server from a script.
struct FakeAPIServer {
    struct Aborted: Error {}

    let state: FakeAPIState
    let port: Int
    let scheme: String

    var url: String { "\(scheme)://127.0.0.1:\(port)" }

    /// Runs `body` with a started server (HTTPS when `tls` is given) and stops the server afterwards,
    /// even when `body` throws.
    static func with<Result: Sendable>(
        tls: TLSConfiguration? = nil, _ body: @Sendable (FakeAPIServer) async throws -> Result
    ) async throws -> Result {
        let state = FakeAPIState()
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "fake-apiserver")
        logger.logLevel = .warning
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in
                try await respond(to: request, state: state)
            },
            server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            let server = FakeAPIServer(
                state: state, port: await iterator.next() ?? 0, scheme: tls == nil ? "http" : "https")
            do {
                let result = try await body(server)
                await state.stop()
                group.cancelAll()
                return result
            } catch {
                await state.stop()
                group.cancelAll()
                throw error
            }
        }
    }

    private init(state: FakeAPIState, port: Int, scheme: String) {
        self.state = state
        self.port = port
        self.scheme = scheme
    }

    private static func respond(to request: Request, state: FakeAPIState) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let recorded = RecordedRequest(
            method: request.method.rawValue, path: request.uri.path, query: query, headers: headers,
            body: String(buffer: body))
        switch await state.reply(to: recorded) {
        case .json(let code, let json):
            return Response(status: .init(code: code), body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
        case .stream(let chunks, let end):
            return Response(
                status: .ok,
                body: ResponseBody { writer in
                    for chunk in chunks {
                        try await writer.write(ByteBuffer(string: chunk))
                        try await Task.sleep(for: .milliseconds(30))
                    }
                    switch end {
                    case .close: break
                    case .abort: throw Aborted()
                    case .hold:
                        let clock = ContinuousClock()
                        let deadline = clock.now + .seconds(20)
                        while await !state.stopped, clock.now < deadline {
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    }
                    try await writer.finish(nil)
                })
        }
    }
}

/// Waits until `condition` holds, polling every 20 ms, for at most `timeout`; false on timeout.
func eventually(
    timeout: Duration = .seconds(10), _ condition: @Sendable () async -> Bool
) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
