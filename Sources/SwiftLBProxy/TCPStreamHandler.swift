import NIOCore
import SwiftLBCore

/// Serves a connection of a listener without HTTP: connects to an endpoint of the route and then
/// relays the two byte streams (`GlueHandler`), leaving the pipeline once the relay runs.
final class TCPStreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let route: ProxyRoute
    private let context: ProxyContext

    init(route: ProxyRoute, context: ProxyContext) {
        self.route = route
        self.context = context
    }

    func channelActive(context channelContext: ChannelHandlerContext) {
        let channel = channelContext.channel
        let client = channel.remoteAddress
        guard
            let endpoint = context.selector.pick(
                route, client: client?.ipAddress.flatMap(IPAddress.init),
                clientPort: UInt16(client?.port ?? 0))
        else {
            context.metrics.connectionRefused(route.ruleKey)
            channelContext.close(promise: nil)
            return
        }
        let (route, shared) = (self.route, self.context)
        context.metrics.streamOpened(route.ruleKey)
        channel.closeFuture.whenComplete { _ in
            shared.selector.release(route, endpoint)
            shared.metrics.streamClosed(route.ruleKey)
        }
        let addresses = UpstreamConnector.ClientAddresses(client: client, local: channel.localAddress)
        let upstream = context.connector.connect(
            to: endpoint, route: route, addresses: addresses, on: channel.eventLoop, serverName: nil)
        let loopBound = NIOLoopBound(self, eventLoop: channel.eventLoop)
        upstream.whenComplete { result in
            loopBound.value.joined(result, downstream: channel, endpoint: endpoint)
        }
    }

    private func joined(_ result: Result<any Channel, any Error>, downstream: any Channel, endpoint: ProxyEndpoint) {
        switch result {
        case .failure(let error):
            context.logger.debug(
                "endpoint unreachable", metadata: ["endpoint": "\(endpoint.label)", "error": "\(error)"])
            context.metrics.upstreamFailed(route.ruleKey)
            downstream.close(promise: nil)
        case .success(let upstream) where !downstream.isActive:
            upstream.close(promise: nil)
        case .success(let upstream):
            let (ours, theirs) = GlueHandler.matchedPair()
            do {
                try downstream.pipeline.syncOperations.addHandler(ours)
                try upstream.pipeline.syncOperations.addHandler(theirs)
                downstream.pipeline.syncOperations.removeHandler(self, promise: nil)
                downstream.closeFuture.whenComplete { _ in upstream.close(promise: nil) }
                // Accepted connections start with reads off, so nothing arrives before the endpoint can take it.
                downstream.setOption(.autoRead, value: true).whenComplete { _ in downstream.read() }
            } catch {
                downstream.close(promise: nil)
                upstream.close(promise: nil)
            }
        }
    }
}
