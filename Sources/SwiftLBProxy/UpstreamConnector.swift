import NIOCore
import NIOPosix
import NIOSSL
import SwiftLBCore

/// Opens connections to endpoints on the event loop of the client connection they serve (so the
/// two are relayed without locks), with the PROXY protocol v2 header first when the route asks
/// for it and TLS toward the endpoint for e2ehttps.
struct UpstreamConnector: Sendable {
    /// Verifies endpoints for e2ehttps; nil when no CA was given (e2ehttps connections then fail).
    var endpointTLS: NIOSSLContext?
    var connectTimeout: TimeAmount

    /// What the client connection tells the endpoint through the PROXY header.
    struct ClientAddresses: Sendable {
        var client: SocketAddress?
        var local: SocketAddress?
    }

    /// A connection to `endpoint`, its pipeline holding the PROXY header writer and TLS when needed.
    func connect(
        to endpoint: ProxyEndpoint, route: ProxyRoute, addresses: ClientAddresses, on eventLoop: any EventLoop,
        serverName: String?
    ) -> EventLoopFuture<any Channel> {
        let target: SocketAddress
        do {
            target = try SocketAddress(ipAddress: "\(endpoint.address)", port: Int(endpoint.port))
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let header = route.proxyProtocol ? Self.proxyHeader(addresses) : nil
        let tls = route.security == 2 ? endpointTLS : nil
        if route.security == 2 && tls == nil {
            return eventLoop.makeFailedFuture(ProxyError.noEndpointCA)
        }
        let sni = serverName.flatMap { $0.isEmpty || IPAddress($0) != nil ? nil : $0 }
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                do {
                    let sync = channel.pipeline.syncOperations
                    if let header { try sync.addHandler(ProxyHeaderWriter(header: header)) }
                    if let tls { try sync.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: sni)) }
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .connect(to: target)
    }

    static func proxyHeader(_ addresses: ClientAddresses) -> [UInt8] {
        guard let client = addresses.client, let local = addresses.local,
            let clientIP = client.ipAddress.flatMap(IPAddress.init),
            let localIP = local.ipAddress.flatMap(IPAddress.init),
            let clientPort = client.port, let localPort = local.port
        else { return ProxyProtocolV2.unspecified }
        return ProxyProtocolV2.header(
            source: clientIP, sourcePort: UInt16(clientPort), destination: localIP, destinationPort: UInt16(localPort))
    }
}

/// Why the proxy could not serve a connection.
enum ProxyError: Error, CustomStringConvertible {
    case noEndpointCA
    case noRoute
    case noActiveEndpoint
    case noCertificate(String)

    var description: String {
        switch self {
        case .noEndpointCA: "security 2 (e2ehttps) needs the endpoints' CA: start swiftlb with --proxy-endpoint-ca"
        case .noRoute: "no fullproxy rule takes this connection"
        case .noActiveEndpoint: "the rule has no active endpoint"
        case .noCertificate(let name): "no certificate for server name \"\(name)\" in the certificate directory"
        }
    }
}
