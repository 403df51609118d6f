import ArgumentParser
import Foundation
import SwiftLBCore

/// `delete ep IP [--name=N] [--probetype=T] [--l4port=P]`: stops monitoring a host.
public struct DeleteEndpoint: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "endpoint", abstract: "Delete monitored endpoint entries of a host.",
        aliases: ["ep", "endpoints", "EndPoint"])

    /// The host's address.
    @Argument(help: "The host's IP address.")
    public var host: String

    /// Only the entry with this name.
    @Option(name: .customLong("name"), help: "Delete only the entry with this name.")
    public var name = ""

    /// Only entries of this probe type.
    @Option(name: .customLong("probetype"), help: "Delete only entries with this probe type.")
    public var probeType = ""

    /// Only entries probing this port.
    @Option(name: .customLong("l4port"), help: "Delete only entries probing this port.")
    public var port = 0

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Sends the DELETE.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        guard IPAddress(host) != nil else { throw .invalidInput("HOSTIP '\(host)' is not an IPv4 or IPv6 address") }
        let path = EndpointPaths.delete(host: host, name: name, probeType: probeType, port: port)
        try await environment.client.send(APIRequest(method: .delete, path: path))
        environment.output.write("deleted endpoint \(host)")
    }
}

/// The loxilb endpoint paths the CLI calls.
public enum EndpointPaths {
    /// `POST` target for an endpoint entry.
    public static let create = APIRequest.basePath + "/config/endpoint"
    /// `GET` of every endpoint.
    public static let all = APIRequest.basePath + "/config/endpoint/all"

    /// `DELETE /config/endpoint/epipaddress/HOST` with the narrowing query parameters that are set.
    public static func delete(host: String, name: String, probeType: String, port: Int) -> String {
        var query: [String] = []
        if !name.isEmpty { query.append("name=" + LoadBalancerPaths.segment(name)) }
        if !probeType.isEmpty { query.append("probe_type=" + LoadBalancerPaths.segment(probeType)) }
        if port != 0 { query.append("probe_port=\(port)") }
        let base = create + "/epipaddress/" + LoadBalancerPaths.segment(host)
        return query.isEmpty ? base : base + "?" + query.joined(separator: "&")
    }
}
