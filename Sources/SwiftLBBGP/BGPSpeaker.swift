import SwiftLBCore

/// A peer as gobgpd reports it.
public struct PeerStatus: Sendable, Hashable {
    /// The configuration gobgpd holds for the peer.
    public var peer: BGPPeer
    /// Lower-case session state ("idle" ... "established").
    public var state: String
    /// Seconds since the session went up (established) or down; nil when unknown.
    public var secondsInState: Int?

    /// Creates a status.
    public init(peer: BGPPeer, state: String, secondsInState: Int? = nil) {
        self.peer = peer
        self.state = state
        self.secondsInState = secondsInState
    }
}

/// The operations the supervisor needs from a BGP speaker. `GoBGPClient` implements them over
/// gobgpd's gRPC API; tests use an in-memory speaker.
public protocol BGPSpeaker: Sendable {
    /// The running global settings (AS and router ID), or nil when BGP is not started.
    func runningGlobal() async throws -> (asn: UInt32, routerID: String)?
    /// Every configured peer with its session state.
    func peers() async throws -> [PeerStatus]
    /// Adds a peer with the IPv4 and IPv6 unicast families.
    func addPeer(_ peer: BGPPeer) async throws
    /// Deletes a peer.
    func deletePeer(_ address: IPAddress) async throws
    /// Adds (or replaces) a route in the global RIB, to be announced to every peer.
    func announce(_ advertisement: Advertisement) async throws
    /// Removes a route added with `announce`.
    func withdraw(_ advertisement: Advertisement) async throws
    /// The best path of every prefix learned from a peer, IPv4 and IPv6.
    func learnedRoutes() async throws -> [LearnedRoute]
    /// Closes the connection.
    func close() async
}
