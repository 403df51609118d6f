import ArgumentParser
import SwiftLBCore

/// `create bgpneighbor PEER_IP AS [--remotePort=PORT] [--setMultiHop]` (loxicmd's grammar).
public struct CreateBGPNeighbor: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "bgpneighbor",
        abstract: "Create a BGP neighbor.",
        discussion: """
            The session comes up in the background; `get bgpneighbor` shows its state. BGP must be \
            enabled (swiftlb --bgp) and configured (POST /netlox/v1/config/bgp/global).

            Example:
              create bgpneighbor 10.10.10.1 64512 --remotePort=179
            """,
        aliases: ["bgpnei", "bgpneigh"])

    /// The peer's address.
    @Argument(help: "The neighbor's IPv4 or IPv6 address.")
    public var peerIP: String

    /// The peer's AS number.
    @Argument(help: "The neighbor's AS number.")
    public var remoteAS: String

    /// The peer's BGP port.
    @Option(name: .customLong("remotePort"), help: "BGP port of the neighbor.")
    public var remotePort = 179

    /// eBGP multihop; loxicmd spells the flag `--setMultiHtop`, which is accepted too.
    @Flag(name: [.customLong("setMultiHop"), .customLong("setMultiHtop")], help: "Allow a neighbor several hops away.")
    public var multihop = false

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The neighbor this command sends.
    public func neighbor() throws(CLIError) -> BGPNeighbor {
        guard IPAddress(peerIP) != nil else {
            throw .invalidInput("peer IP '\(peerIP)' is not an IPv4 or IPv6 address")
        }
        guard let asn = UInt32(remoteAS), asn > 0 else {
            throw .invalidInput("AS '\(remoteAS)' is not an AS number (1 to 4294967295)")
        }
        guard (1...65535).contains(remotePort) else {
            throw .invalidInput("--remotePort \(remotePort) is out of range; use 1 to 65535")
        }
        return BGPNeighbor(ipAddress: peerIP, remoteAs: Int(asn), remotePort: remotePort, setMultiHop: multihop)
    }

    /// POSTs the neighbor and reports it.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let neighbor = try neighbor()
        let request = APIRequest(method: .post, path: BGPPaths.neighbor, body: LoxiJSON.encode(neighbor))
        try await environment.client.send(request)
        environment.output.write("created bgpneighbor \(neighbor.ipAddress) remoteAs \(neighbor.remoteAs)")
    }
}
