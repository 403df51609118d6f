import ArgumentParser
import SwiftLBCore

/// `delete bgpneighbor PEER_IP AS` (loxicmd's grammar).
public struct DeleteBGPNeighbor: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "bgpneighbor", abstract: "Delete a BGP neighbor.", aliases: ["bgpnei", "bgpneigh"])

    /// The peer's address.
    @Argument(help: "The neighbor's IPv4 or IPv6 address.")
    public var peerIP: String

    /// The peer's AS number.
    @Argument(help: "The neighbor's AS number.")
    public var remoteAS: String

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The DELETE this command sends.
    public func request() throws(CLIError) -> APIRequest {
        guard IPAddress(peerIP) != nil else {
            throw .invalidInput("peer IP '\(peerIP)' is not an IPv4 or IPv6 address")
        }
        guard let asn = UInt32(remoteAS), asn > 0 else {
            throw .invalidInput("AS '\(remoteAS)' is not an AS number (1 to 4294967295)")
        }
        return APIRequest(method: .delete, path: BGPPaths.neighbor(peerIP, remoteAs: Int(asn)))
    }

    /// Sends the DELETE and reports it.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        try await environment.client.send(try request())
        environment.output.write("deleted bgpneighbor \(peerIP)")
    }
}
