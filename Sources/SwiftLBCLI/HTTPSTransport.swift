import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SwiftLBCore

/// The HTTPS transport: one request per TLS connection over SwiftNIO, verifying the server's
/// certificate against `--cacert` (or the system's roots) and its name or IP address.
///
/// Foundation's URLSession on Linux cannot be given a CA of the operator's own, which an API
/// with a self-signed certificate needs; plain HTTP keeps using `URLSessionTransport`.
public struct HTTPSTransport: HTTPTransport {
    public let endpoint: APIEndpoint
    private let context: NIOSSLContext

    /// Builds the TLS client context; throws `.invalidInput` when `endpoint.caFile` does not load.
    public init(endpoint: APIEndpoint) throws(CLIError) {
        self.endpoint = endpoint
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let caFile = endpoint.caFile {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw .invalidInput("--cacert \(caFile) is not a PEM certificate file (\(error))")
            }
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw .invalidInput("cannot set up TLS: \(error)")
        }
    }

    public func send(_ request: APIRequest) async throws(CLIError) -> APIResponse {
        let group = MultiThreadedEventLoopGroup.singleton
        let collector = ResponseCollector(promise: group.any().makePromise())
        let host = endpoint.host
        // SNI and name checks take a name; for an IP address NIOSSL checks the certificate's IP SAN.
        let isAddress = IPAddress(host) != nil || IPAddress(host.trimmingCharacters(in: ["[", "]"])) != nil
        let serverName = isAddress ? nil : host
        let timeout = TimeAmount.seconds(Int64(endpoint.timeoutSeconds))
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { [context] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: context, serverHostname: serverName))
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
        do {
            let channel = try await bootstrap.connect(host: host, port: endpoint.port).get()
            let deadline = channel.eventLoop.scheduleTask(in: timeout) {
                collector.finish(.failure(HTTPSTimeout()))
                channel.close(mode: .all, promise: nil)
            }
            defer { deadline.cancel() }
            try await write(request, to: channel)
            return try await collector.promise.futureResult.get()
        } catch is HTTPSTimeout {
            throw .timedOut(url: endpoint.baseURL, seconds: endpoint.timeoutSeconds)
        } catch {
            throw .unreachable(url: endpoint.baseURL, reason: "\(error)")
        }
    }

    private func write(_ request: APIRequest, to channel: any Channel) async throws {
        var head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method.rawValue), uri: request.path)
        head.headers.add(name: "Host", value: endpoint.host)
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "Connection", value: "close")
        if let token = endpoint.token { head.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let body = request.body ?? Data()
        if request.body != nil { head.headers.add(name: "Content-Type", value: "application/json") }
        head.headers.add(name: "Content-Length", value: "\(body.count)")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if !body.isEmpty {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        }
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
    }
}

/// The request did not complete within the endpoint's timeout.
struct HTTPSTimeout: Error {}

/// Collects one HTTP response into `promise`: at the response's end, or fails it on the first
/// error, a premature close or the timeout, whichever comes first.
///
/// Unchecked Sendable: `done` is touched only on the channel's event loop (the timeout is
/// scheduled there too); a promise may be completed from any thread.
final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    let promise: EventLoopPromise<APIResponse>
    private var status = 0
    private var body = Data()
    private var done = false

    init(promise: EventLoopPromise<APIResponse>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body(let buffer): body.append(contentsOf: buffer.readableBytesView)
        case .end:
            finish(.success(APIResponse(status: status, body: body)))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ChannelError.eof))
        context.fireChannelInactive()
    }

    /// Completes the promise once; later outcomes are dropped.
    func finish(_ result: Result<APIResponse, any Error>) {
        guard !done else { return }
        done = true
        promise.completeWith(result)
    }
}
