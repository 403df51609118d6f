import Foundation
import SwiftLBCore

/// kube-loxilb's `--setBGP`: every SwiftLB gets the local AS, peers with every other instance
/// (iBGP) and with the external peers (`--extBGPPeers IP:AS`). Posted each time an instance is
/// (re)contacted; the daemon keeps what it was told.
public struct BGPMesh: Sendable {
    public var localAS: Int
    public var listenPort: Int
    public var externalPeers: [(address: String, remoteAS: Int)]
    public var multiHop: Bool

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(localAS: Int, listenPort: Int = 0, externalPeers: String = "", multiHop: Bool = false)
        throws(ParseError)
    {
        guard (1...4_294_967_295).contains(localAS) else {
            throw ParseError(description: "--setBGP \(localAS) is not an AS number (1...4294967295)")
        }
        self.localAS = localAS
        self.listenPort = listenPort
        self.multiHop = multiHop
        var peers: [(String, Int)] = []
        for item in externalPeers.split(separator: ",") {
            // IP:AS, the IP possibly IPv6 (its own colons; brackets allowed).
            guard let colon = item.lastIndex(of: ":"), let remote = Int(item[item.index(after: colon)...]),
                (1...4_294_967_295).contains(remote),
                let address = IPAddress(String(item[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
            else {
                throw ParseError(description: "--extBGPPeers \"\(item)\" is not IP:AS")
            }
            peers.append((address.description, remote))
        }
        self.externalPeers = peers
    }

    /// The calls that configure `instance`, given every instance's address.
    public func configure(_ instance: SwiftLBAPIClient, among all: [SwiftLBAPIClient]) async throws(SwiftLBAPIClient
        .CallError)
    {
        let own = Self.host(of: instance.baseURL)
        let global = BGPGlobalConfig(localAs: localAS, routerId: own, listenPort: listenPort)
        try await post(instance, "/netlox/v1/config/bgp/global", global)
        let internalPeers = all.map { Self.host(of: $0.baseURL) }.filter { $0 != own }
        for peer in internalPeers {
            try await post(
                instance, "/netlox/v1/config/bgp/neigh",
                BGPNeighbor(ipAddress: peer, remoteAs: localAS, remotePort: listenPort))
        }
        for peer in externalPeers {
            try await post(
                instance, "/netlox/v1/config/bgp/neigh",
                BGPNeighbor(ipAddress: peer.address, remoteAs: peer.remoteAS, setMultiHop: multiHop))
        }
    }

    /// A repeated POST of the same settings answers 409 on some paths: that is success here.
    private func post(_ instance: SwiftLBAPIClient, _ path: String, _ body: some Encodable)
        async throws(SwiftLBAPIClient.CallError)
    {
        do {
            try await instance.post(path, body)
        } catch  where error.status == 409 {
            return
        }
    }

    /// The host of a URL (`http://10.0.0.1:11111` → `10.0.0.1`, brackets of IPv6 removed).
    static func host(of url: String) -> String {
        let components = URLComponents(string: url)
        let host = components?.host ?? url
        return host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
    }
}
