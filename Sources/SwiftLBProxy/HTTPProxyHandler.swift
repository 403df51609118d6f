import NIOCore
import NIOHTTP1
import SwiftLBCore

/// Proxies the requests of one HTTP/1.1 connection, or of one HTTP/2 stream (behind
/// `HTTP2FramePayloadToHTTP1ServerCodec`), to endpoints over pooled HTTP/1.1 connections.
///
/// Requests are served one at a time (NIO's pipelining handler holds later ones until a response
/// ends). The body streams both ways: the client is read only while the endpoint connection is
/// writable and the endpoint only while the client is, so no body is buffered whole.
final class HTTPProxyHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    struct Setup: Sendable {
        /// The listener's routes now (a rule change swaps them; each request reads the latest).
        let routes: @Sendable () -> RoutingTable
        let shared: ProxyContext
        let scheme: String
        let isHTTP2: Bool
        /// The TLS server name the client sent, used when a request has no Host header.
        let serverName: String?
        /// The client connection (for HTTP/2, the connection carrying the stream).
        let connection: any Channel
    }

    // Internal rather than private: HTTPProxyHandler+Upstream.swift relays the endpoint's side.
    let setup: Setup
    var context: ChannelHandlerContext?
    var exchange: HTTPExchange?
    var discarding = false
    var clientKeepAlive = true
    var requestVersion = HTTPVersion.http1_1
    private var pendingRead = false
    private var headerDeadline: Scheduled<Void>?

    init(_ setup: Setup) {
        self.setup = setup
    }

    var shared: ProxyContext { setup.shared }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { armHeaderDeadline() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        headerDeadline?.cancel()
        abandonExchange()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        armHeaderDeadline()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        headerDeadline?.cancel()
        abandonExchange()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): start(head)
        case .body(let body): forward(.body(.byteBuffer(body)))
        case .end(let trailers): finishRequest(trailers)
        }
    }

    // Body parts are written as they come and flushed once per read burst.
    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.upstream?.flush()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { exchange?.upstreamHandler?.resumeReads() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if let exchange, !discarding, exchange.upstream.map({ !$0.isWritable }) ?? true {
            pendingRead = true
        } else {
            context.read()
        }
    }

    func resumeReads() {
        guard pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    // MARK: requests

    private func start(_ head: HTTPRequestHead) {
        headerDeadline?.cancel()
        requestVersion = head.version
        clientKeepAlive = setup.isHTTP2 || HTTPHeadRewriter.keepsAlive(version: head.version, headers: head.headers)
        if let problem = HeaderLimits(shared.limits).problem(head.headers) {
            shared.metrics.badRequest()
            clientKeepAlive = false
            return respond(.badRequest, problem, rule: nil)
        }
        let host = head.headers["host"].first ?? setup.serverName
        guard let route = setup.routes().route(host: host, path: head.uri) else {
            return respond(.notFound, "no rule serves host \(host ?? "(none)") and path \(head.uri)\n", rule: nil)
        }
        shared.metrics.requestStarted(route.ruleKey)
        let client = setup.connection.remoteAddress
        guard
            let endpoint = shared.selector.pick(
                route, client: client?.ipAddress.flatMap(IPAddress.init), clientPort: UInt16(client?.port ?? 0))
        else {
            return respond(.serviceUnavailable, "no endpoint of the rule is up\n", rule: route.ruleKey)
        }
        var upstreamHead = HTTPHeadRewriter.upstreamRequest(head, clientIP: client?.ipAddress, scheme: setup.scheme)
        // The proxy answers "100 Continue" itself; the endpoint gets the body without waiting.
        if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
            upstreamHead.headers.remove(name: "expect")
            context?.writeAndFlush(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
        let key = UpstreamPool.Key(
            endpoint: endpoint, tls: route.security == 2, eventLoop: ObjectIdentifier(setup.connection.eventLoop),
            owner: route.proxyProtocol ? ObjectIdentifier(setup.connection) : nil)
        exchange = HTTPExchange(route: route, endpoint: endpoint, poolKey: key, started: .now())
        exchange?.buffered.append(.head(upstreamHead))
        if let pooled = shared.pool.take(key) {
            attach(pooled)
        } else {
            connect(endpoint, route: route, key: key)
        }
    }

    private func forward(_ part: HTTPClientRequestPart) {
        guard !discarding, exchange != nil else { return }
        if let upstream = exchange?.upstream {
            upstream.write(part, promise: nil)
        } else {
            exchange?.buffered.append(part)
        }
    }

    private func finishRequest(_ trailers: HTTPHeaders?) {
        guard !discarding else {
            discarding = false
            return finishResponse()
        }
        guard exchange != nil else { return }
        exchange?.requestDone = true
        if let upstream = exchange?.upstream {
            upstream.writeAndFlush(HTTPClientRequestPart.end(trailers), promise: nil)
        } else {
            exchange?.buffered.append(.end(trailers))
        }
    }

    // MARK: endpoint connections

    private func connect(_ endpoint: ProxyEndpoint, route: ProxyRoute, key: UpstreamPool.Key) {
        let addresses = UpstreamConnector.ClientAddresses(
            client: setup.connection.remoteAddress, local: setup.connection.localAddress)
        let future = shared.connector.connect(
            to: endpoint, route: route, addresses: addresses, on: setup.connection.eventLoop,
            serverName: route.host.hasPrefix("*") ? setup.serverName : route.host)
        let pool = shared.pool
        let prepared = future.flatMap { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                try channel.pipeline.syncOperations.addHandler(UpstreamHTTPHandler())
                pool.track(channel, for: key)
                return channel
            }
        }
        prepared.hop(to: setup.connection.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel): self.attach(channel)
            case .failure(let error): self.connectFailed(error)
            }
        }
    }

    private func attach(_ channel: any Channel) {
        guard context != nil, exchange != nil,
            let handler = try? channel.pipeline.syncOperations.handler(type: UpstreamHTTPHandler.self)
        else {
            channel.close(promise: nil)
            return
        }
        handler.delegate = self
        exchange?.upstream = channel
        exchange?.upstreamHandler = handler
        for part in exchange?.buffered ?? [] { channel.write(part, promise: nil) }
        exchange?.buffered = []
        channel.flush()
        resumeReads()
    }

    private func connectFailed(_ error: any Error) {
        guard let exchange else { return }
        shared.logger.debug(
            "endpoint unreachable", metadata: ["endpoint": "\(exchange.endpoint.label)", "error": "\(error)"])
        shared.metrics.upstreamFailed(exchange.route.ruleKey)
        let rule = exchange.route.ruleKey
        abandonExchange()
        if !(exchange.requestDone) { clientKeepAlive = false }
        respond(.badGateway, "the endpoint could not be reached\n", rule: rule, requestDone: exchange.requestDone)
    }

    // MARK: responses

    /// Answers from the proxy itself; the rest of the request body (if any) is read and dropped.
    func respond(_ status: HTTPResponseStatus, _ text: String, rule: ServiceKey?, requestDone: Bool = false) {
        guard let context else { return }
        var head = HTTPResponseHead(version: requestVersion, status: status)
        head.headers.add(name: "content-type", value: "text/plain")
        head.headers.add(name: "content-length", value: "\(text.utf8.count)")
        if !clientKeepAlive && !setup.isHTTP2 { head.headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
        if let rule { shared.metrics.responded(rule, status: Int(status.code), seconds: 0) }
        discarding = !requestDone
        if requestDone { finishResponse() } else { context.flush() }
    }

    // Writes the response's end once the request is read too (NIO's pipelining needs this order).
    func finishResponse() {
        guard let context else { return }
        let close = !clientKeepAlive && !setup.isHTTP2
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if close {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else if !setup.isHTTP2 {
            armHeaderDeadline()
        }
        resumeReads()
    }

    /// Ends the exchange without reusing its endpoint connection.
    func abandonExchange() {
        guard let exchange else { return }
        self.exchange = nil
        exchange.upstreamHandler?.delegate = nil
        exchange.upstream?.close(promise: nil)
        shared.selector.release(exchange.route, exchange.endpoint)
    }

    private func armHeaderDeadline() {
        guard let context, !setup.isHTTP2 else { return }
        headerDeadline?.cancel()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        headerDeadline = context.eventLoop.scheduleTask(in: shared.limits.requestHeaderTimeout) {
            loopBound.value.headerDeadlinePassed()
        }
    }

    private func headerDeadlinePassed() {
        guard let context, exchange == nil, !discarding else { return }
        shared.metrics.badRequest()
        context.close(promise: nil)
    }
}
