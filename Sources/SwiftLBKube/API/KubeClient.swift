import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// A client for the few Kubernetes API calls swiftlb-kube makes: list, watch, patch a Service's
/// status, post an Event. Authenticates with a bearer token (re-read and retried once on 401) and/or
/// a client certificate, and trusts the configured CA.
public final class KubeClient: KubeListWatching, KubeWriting {
    /// The page size of lists.
    public static let pageSize = 500
    /// The longest a request other than a watch may take, response body included.
    public static let requestTimeout = Duration.seconds(60)

    private let config: KubeConfig
    private let http: HTTPClient
    private let token: BearerToken?
    private let logger: Logger
    private let watchGrace: Duration

    /// A client for the server in `config`; throws ``KubeError/transport(_:)`` when its CA or client
    /// certificate is not valid PEM.
    public convenience init(
        config: KubeConfig, logger: Logger = Logger(label: "swiftlb-kube.client")
    ) throws(KubeError) {
        try self.init(config: config, logger: logger, watchGrace: .seconds(60))
    }

    /// `watchGrace`: how long past its `timeoutSeconds` a watch may last before it is cut (tests shorten it).
    init(config: KubeConfig, logger: Logger, watchGrace: Duration) throws(KubeError) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(10))
        if config.server.hasPrefix("https://") {
            configuration.tlsConfiguration = try Self.tls(for: config)
        }
        self.config = config
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.token = config.token.map { BearerToken($0) }
        self.logger = logger
        self.watchGrace = watchGrace
    }

    /// Closes the client's connections; call once, after the last request.
    public func shutdown() async {
        do {
            try await http.shutdown()
        } catch {
            logger.debug("HTTP client shutdown: \(error)")
        }
    }

    /// Every object of the kind, following `continue` tokens in pages of ``pageSize``; the list's
    /// `resourceVersion` is the one to watch from.
    public func list<T: KubeResource>(
        _ type: T.Type, namespace: String? = nil, labelSelector: String? = nil
    ) async throws(KubeError) -> KubeList<T> {
        var items: [T] = []
        var metadata = ListMeta()
        var continueToken: String?
        repeat {
            var query = [("limit", String(Self.pageSize))]
            if let labelSelector { query.append(("labelSelector", labelSelector)) }
            if let continueToken { query.append(("continue", continueToken)) }
            let path = T.collectionPath(namespace: namespace)
            let page: KubeList<T> = try await Self.withDeadline(Self.requestTimeout, "GET \(path)") {
                [query] in try await Self.decodeBody(try await self.send(.GET, path, query: query))
            }
            items += page.items
            metadata.resourceVersion = page.metadata.resourceVersion
            continueToken = page.metadata.continue.flatMap { $0.isEmpty ? nil : $0 }
        } while continueToken != nil
        return KubeList(metadata: metadata, items: items)
    }

    /// The changes after `resourceVersion`, with bookmarks, read from the chunked body as newline-
    /// delimited JSON. The stream ends when the server closes the watch (after about `timeoutSeconds`)
    /// and throws ``KubeError/gone`` when the version is too old (HTTP 410 or an `ERROR` event with
    /// code 410), or another ``KubeError``; it never yields ``WatchEvent/error(_:)``. Cancelling the
    /// consuming task closes the connection.
    public func watch<T: KubeResource>(
        _ type: T.Type, resourceVersion: String, namespace: String? = nil, labelSelector: String? = nil,
        timeoutSeconds: Int
    ) -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        var query = [
            ("watch", "true"), ("allowWatchBookmarks", "true"), ("resourceVersion", resourceVersion),
            ("timeoutSeconds", String(timeoutSeconds)),
        ]
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        let path = T.collectionPath(namespace: namespace)
        let (stream, continuation) = AsyncThrowingStream<WatchEvent<T>, any Error>.makeStream()
        let task = Task { [query] in
            do throws(KubeError) {
                // The server ends the watch after timeoutSeconds; a connection silent for longer than
                // that (a peer gone without a FIN) would otherwise hang the watch for ever.
                try await Self.withDeadline(.seconds(timeoutSeconds) + watchGrace, "watch \(path)") { [query] in
                    let response = try await self.send(.GET, path, query: query)
                    try await Self.readEvents(response.body, into: continuation)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Replaces `status.loadBalancer.ingress` of the Service with a JSON merge patch on its status
    /// subresource (other status fields are left alone; an empty list clears the addresses).
    public func patchServiceStatus(_ key: ObjectKey, ingress: [LoadBalancerIngress]) async throws(KubeError) {
        struct Patch: Encodable { var status: ServiceStatus }
        let patch = Patch(status: ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: ingress)))
        let body = try Self.encode(patch)
        let path = Service.objectPath(key) + "/status"
        try await Self.withDeadline(Self.requestTimeout, "PATCH \(path)") {
            try await Self.drain(
                try await self.send(.PATCH, path, body: body, contentType: "application/merge-patch+json"))
        }
    }

    /// Posts a core/v1 Event about `object` (in its namespace, or `default` for cluster-scoped objects).
    public func recordEvent(
        on object: ObjectReference, type: KubeEventType, reason: String, message: String
    ) async throws(KubeError) {
        let event = KubeEvent(on: object, type: type, reason: reason, message: message)
        let namespace = event.metadata.namespace ?? "default"
        let body = try Self.encode(event)
        let path = "/api/v1/namespaces/\(namespace)/events"
        try await Self.withDeadline(Self.requestTimeout, "POST \(path)") {
            try await Self.drain(try await self.send(.POST, path, body: body, contentType: "application/json"))
        }
    }

    /// Sends a request and returns a 2xx response with its body unread; any other status becomes a
    /// ``KubeError``. A 401 with a token re-reads the token and retries once.
    private func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: ByteBuffer? = nil,
        contentType: String? = nil
    ) async throws(KubeError) -> HTTPClientResponse {
        let url = config.server + path + Self.queryString(query)
        var retried = false
        while true {
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: KubeEvent.component)
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            if let bearer = await token?.current() {
                request.headers.add(name: "Authorization", value: "Bearer \(bearer)")
            }
            if let body { request.body = .bytes(body) }
            let response: HTTPClientResponse
            do {
                response = try await http.execute(request, timeout: .seconds(60), logger: logger)
            } catch {
                throw .transport("\(method) \(path): \(error)")
            }
            let code = Int(response.status.code)
            if (200..<300).contains(code) { return response }
            let status: KubeStatus? = try? await Self.decodeBody(response)
            if code == 401, let token, !retried {
                logger.info("API server answered 401 to \(method) \(path); re-reading the token and retrying")
                await token.reload()
                retried = true
                continue
            }
            throw KubeError.from(httpStatus: code, status: status, path: "\(method) \(path)")
        }
    }

    /// Decodes the response's events as they arrive.
    private static func readEvents<T: KubeResource>(
        _ body: HTTPClientResponse.Body, into continuation: AsyncThrowingStream<WatchEvent<T>, any Error>.Continuation
    ) async throws(KubeError) {
        var splitter = WatchLineSplitter()
        do {
            for try await chunk in body {
                for line in try splitter.append(chunk.readableBytesView) {
                    continuation.yield(try decodeEvent(line))
                }
            }
        } catch let error as KubeError {
            throw error
        } catch {
            throw .transport("watch \(T.plural): \(error)")
        }
        // A body cut mid-event leaves a fragment: dropped, since the version has not advanced past it.
        if let rest = splitter.finish(), let event: WatchEvent<T> = try? decodeEvent(rest) {
            continuation.yield(event)
        }
    }

    private static func decodeEvent<T: KubeResource>(_ line: [UInt8]) throws(KubeError) -> WatchEvent<T> {
        let event: WatchEvent<T>
        do {
            event = try JSONDecoder().decode(WatchEvent<T>.self, from: Data(line))
        } catch {
            throw .decoding("watch event \(String(decoding: line.prefix(200), as: UTF8.self)): \(error)")
        }
        if case .error(let status) = event {
            throw KubeError.from(httpStatus: status.code ?? 500, status: status, path: "watch \(T.plural)")
        }
        return event
    }

    private static func decodeBody<Value: Decodable>(_ response: HTTPClientResponse) async throws(KubeError) -> Value {
        let buffer: ByteBuffer
        do {
            buffer = try await response.body.collect(upTo: 256 << 20)
        } catch {
            throw .transport("reading the response: \(error)")
        }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(buffer.readableBytesView))
        } catch {
            throw .decoding("\(Value.self): \(error)")
        }
    }

    /// Runs `operation`, failing with ``KubeError/transport(_:)`` if it takes longer than `limit`
    /// (AsyncHTTPClient's own deadline stops at the response head; a body can stall after it).
    private static func withDeadline<Result: Sendable>(
        _ limit: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> Result
    ) async throws(KubeError) -> Result {
        do {
            return try await withThrowingTaskGroup(of: Result.self) { group in
                group.addTask { try await operation() }
                group.addTask {
                    try await Task.sleep(for: limit)
                    throw KubeError.transport("\(what): no complete answer within \(limit)")
                }
                defer { group.cancelAll() }
                guard let result = try await group.next() else { throw KubeError.transport("\(what): no answer") }
                return result
            }
        } catch let error as KubeError {
            throw error
        } catch {
            throw .transport("\(what): \(error)")
        }
    }

    /// Reads and drops a body, so the connection can be reused.
    private static func drain(_ response: HTTPClientResponse) async throws(KubeError) {
        do {
            _ = try await response.body.collect(upTo: 256 << 20)
        } catch {
            throw .transport("reading the response: \(error)")
        }
    }

    private static func encode(_ value: some Encodable) throws(KubeError) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return ByteBuffer(bytes: try encoder.encode(value))
        } catch {
            throw .decoding("encoding \(type(of: value)): \(error)")
        }
    }

    private static let queryAllowed = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    private static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? value)"
        }
        return "?" + pairs.joined(separator: "&")
    }

    private static func tls(for config: KubeConfig) throws(KubeError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = config.certificateAuthorityPEM {
            tls.trustRoots = .certificates(try certificates(ca, what: "the certificate authority"))
        }
        if let client = config.clientCertificate {
            tls.certificateChain = try certificates(client.certificatePEM, what: "the client certificate").map {
                .certificate($0)
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: client.keyPEM, format: .pem))
            } catch {
                throw .transport("the client key is not a valid PEM private key: \(error)")
            }
        }
        if config.insecureSkipTLSVerify { tls.certificateVerification = .none }
        return tls
    }

    /// The certificates in `pem`; none is an error, since trusting no CA would fail every connection.
    private static func certificates(_ pem: [UInt8], what: String) throws(KubeError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(pem)
        } catch {
            throw .transport("\(what) is not valid PEM: \(error)")
        }
        guard !certificates.isEmpty else { throw .transport("\(what) is not valid PEM: it holds no certificate") }
        return certificates
    }
}
