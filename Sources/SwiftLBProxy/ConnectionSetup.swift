import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL
import NIOTLS

/// Builds the pipeline of each accepted client connection of one listener: a byte relay when no
/// route needs HTTP; HTTP/1.1 or h2c (by the first bytes) on plain listeners; TLS with the
/// certificate SNI selects, then HTTP/2 or HTTP/1.1 by ALPN, when the listener terminates TLS.
struct ConnectionSetup: Sendable {
    let routes: @Sendable () -> RoutingTable
    let shared: ProxyContext
    let certificates: TLSCertificateStore

    /// Sets up `channel` (accepted with reads off); closes it when the proxy holds its maximum.
    func initialize(_ channel: any Channel) throws {
        let metrics = shared.metrics
        guard metrics.admit(limit: shared.limits.maxConnections) else {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { _ in metrics.connectionClosed() }
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(IdleStateHandler(allTimeout: shared.limits.idleTimeout))
        try sync.addHandler(IdleCloser())
        let table = routes()
        guard table.needsHTTP else {
            guard let route = table.route(serverName: nil) else { return channel.close(promise: nil) }
            return try sync.addHandler(TCPStreamHandler(route: route, context: shared))
        }
        try channel.syncOptions?.setOption(.autoRead, value: true)
        guard table.security != 0 else {
            let setup = self
            return try sync.addHandler(
                ProtocolSniffer { context, http2 in
                    try setup.configureHTTP(context.channel, http2: http2, scheme: "http", serverName: nil)
                })
        }
        try sync.addHandler(
            ByteToMessageHandler(
                SNIHandler { [self] result in
                    let name: String? = if case .hostname(let host) = result { host } else { nil }
                    return channel.eventLoop.makeCompletedFuture { try self.configureTLS(channel, serverName: name) }
                }))
    }

    private func configureTLS(_ channel: any Channel, serverName: String?) throws {
        guard let context = certificates.context(serverName: serverName) else {
            shared.logger.warning(
                "no certificate for the client's server name; closing",
                metadata: ["server-name": "\(serverName ?? "(none)")", "directory": "\(certificates.directory)"])
            throw ProxyError.noCertificate(serverName ?? "")
        }
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(NIOSSLServerHandler(context: context))
        let setup = self
        try sync.addHandler(
            ApplicationProtocolNegotiationHandler { result, channel in
                channel.eventLoop.makeCompletedFuture {
                    let http2 = if case .negotiated("h2") = result { true } else { false }
                    try setup.configureHTTP(channel, http2: http2, scheme: "https", serverName: serverName)
                }
            })
    }

    func configureHTTP(_ channel: any Channel, http2: Bool, scheme: String, serverName: String?) throws {
        let sync = channel.pipeline.syncOperations
        let setup = HTTPProxyHandler.Setup(
            routes: routes, shared: shared, scheme: scheme, isHTTP2: http2, serverName: serverName, connection: channel)
        guard http2 else {
            try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
            return try sync.addHandler(HTTPProxyHandler(setup))
        }
        _ = try sync.configureHTTP2Pipeline(
            mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try stream.pipeline.syncOperations.addHandler(HTTPProxyHandler(setup))
            }
        }
    }
}
