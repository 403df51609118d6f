import ArgumentParser
import SwiftLBCore

/// `create ep IP [--probetype=T] [--l4port=P] [--probereq=R] [--proberesp=S] [--period=N] [--retries=N]`:
/// monitors a host (loxicmd's `create endpoint`).
public struct CreateEndpoint: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "endpoint",
        abstract: "Create an endpoint host to monitor.",
        discussion: """
            Examples:
              create ep 32.32.32.1 --probetype=http --l4port=8080 --probereq=/health --period=5 --retries=2
              create ep 32.32.32.1 --probetype=ping --period=10
            """,
        aliases: ["ep", "endpoints", "Endpoint"])

    /// The host's address.
    @Argument(help: "The host's IP address.")
    public var host: String

    /// Description (accepted for loxicmd compatibility; not stored).
    @Option(name: .customLong("desc"), help: "Description of the endpoint (not stored).")
    public var description = ""

    /// Entry name.
    @Option(name: .customLong("name"), help: "Name of the entry (default HOST_PROBETYPE_PORT).")
    public var name = ""

    /// Probe type.
    @Option(name: .customLong("probetype"), help: "Probe type: ping, tcp, udp, sctp, http, https or none.")
    public var probeType = "ping"

    /// Probe request.
    @Option(name: .customLong("probereq"), help: "HTTP(S) request path, or UDP payload.")
    public var probeRequest = ""

    /// Expected probe response.
    @Option(name: .customLong("proberesp"), help: "Text the HTTP(S) body or UDP reply must contain.")
    public var probeResponse = ""

    /// Probe port.
    @Option(name: .customLong("l4port"), help: "Port to probe (required for tcp, udp and sctp).")
    public var port = 0

    /// Probe period.
    @Option(name: .customLong("period"), help: "Seconds between probes.")
    public var period = 60

    /// Failed probes before the host is inactive.
    @Option(name: .customLong("retries"), help: "Failed probes in a row before the endpoint is inactive.")
    public var retries = 2

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The body sent.
    public func entry() throws(CLIError) -> EndPointEntry {
        guard IPAddress(host) != nil else { throw .invalidInput("HOSTIP '\(host)' is not an IPv4 or IPv6 address") }
        guard ProbeType(name: probeType) != nil else {
            throw .invalidInput("--probetype '\(probeType)' is not one of \(ProbeType.supportedNames)")
        }
        guard (0...ProbeTarget.maxInterval).contains(period) else {
            throw .invalidInput("--period \(period) is out of bounds (0...\(ProbeTarget.maxInterval))")
        }
        return EndPointEntry(
            hostName: host, name: name, inactiveReTries: retries, probeType: probeType, probeReq: probeRequest,
            probeResp: probeResponse, probeDuration: period, probePort: port)
    }

    /// POSTs the entry.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let request = APIRequest(method: .post, path: EndpointPaths.create, body: LoxiJSON.encode(try entry()))
        try await environment.client.send(request)
        environment.output.write("created endpoint \(host)")
    }
}
