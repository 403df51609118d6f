import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GoBGPAPI
import SwiftLBCore

/// `BGPSpeaker` over gobgpd's gRPC API on 127.0.0.1 (plaintext, HTTP/2).
///
/// The connection is made lazily and retried quickly (every second at most), so a client created
/// right after gobgpd was started works as soon as gobgpd listens. Every call has a 5 s deadline.
public final class GoBGPClient: BGPSpeaker {
    private let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    private let api: Apipb_GobgpApi.Client<HTTP2ClientTransport.Posix>
    private let connections: Task<Void, Never>
    private let options: CallOptions

    /// Connects to gobgpd's API at 127.0.0.1:`port`.
    public init(port: Int) throws {
        var config = HTTP2ClientTransport.Posix.Config.defaults
        config.backoff = .init(initial: .milliseconds(200), max: .seconds(1), multiplier: 1.6, jitter: 0.2)
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext, config: config)
        let grpc = GRPCClient(transport: transport)
        self.grpc = grpc
        api = Apipb_GobgpApi.Client(wrapping: grpc)
        connections = Task { try? await grpc.runConnections() }
        var options = CallOptions.defaults
        options.timeout = .seconds(5)
        self.options = options
    }

    public func runningGlobal() async throws -> (asn: UInt32, routerID: String)? {
        let response = try await api.getBgp(Apipb_GetBgpRequest(), options: options)
        guard response.hasGlobal, response.global.asn != 0 else { return nil }
        return (response.global.asn, response.global.routerID)
    }

    public func peers() async throws -> [PeerStatus] {
        let now = Date()
        return try await api.listPeer(Apipb_ListPeerRequest(), options: options) { response in
            var peers: [PeerStatus] = []
            for try await message in response.messages {
                if let status = GoBGPMessages.status(message.peer, now: now) { peers.append(status) }
            }
            return peers
        }
    }

    public func addPeer(_ peer: BGPPeer) async throws {
        var request = Apipb_AddPeerRequest()
        request.peer = GoBGPMessages.peer(peer)
        _ = try await api.addPeer(request, options: options)
    }

    public func deletePeer(_ address: IPAddress) async throws {
        var request = Apipb_DeletePeerRequest()
        request.address = address.description
        _ = try await api.deletePeer(request, options: options)
    }

    public func announce(_ advertisement: Advertisement) async throws {
        var request = Apipb_AddPathRequest()
        request.tableType = .global
        request.path = try GoBGPMessages.path(advertisement)
        _ = try await api.addPath(request, options: options)
    }

    public func withdraw(_ advertisement: Advertisement) async throws {
        var request = Apipb_DeletePathRequest()
        request.tableType = .global
        request.family = GoBGPMessages.family(v4: advertisement.vip.isV4)
        request.path = try GoBGPMessages.path(advertisement)
        _ = try await api.deletePath(request, options: options)
    }

    public func learnedRoutes() async throws -> [LearnedRoute] {
        var routes: [LearnedRoute] = []
        for v4 in [true, false] {
            var request = Apipb_ListPathRequest()
            request.tableType = .global
            request.family = GoBGPMessages.family(v4: v4)
            routes += try await api.listPath(request, options: options) { response in
                var found: [LearnedRoute] = []
                for try await message in response.messages {
                    if let route = GoBGPMessages.learnedRoute(message.destination) { found.append(route) }
                }
                return found
            }
        }
        return routes.sorted()
    }

    public func close() async {
        grpc.beginGracefulShutdown()
        connections.cancel()
        await connections.value
    }
}
