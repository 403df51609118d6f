import ArgumentParser
import SwiftLBCore

/// `delete lb VIP --tcp=PORT[,PORT...] [--udp..] [--sctp..] [--icmp]` or `delete lb --name=NAME`.
public struct DeleteLoadBalancer: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "lb",
        abstract: "Delete load-balancer rules.",
        discussion: """
            PORT is a port or a range (80-90, as created).

            Examples:
              delete lb 192.168.0.200 --tcp=80
              delete lb 192.168.0.200 --tcp=80,443 --udp=53
              delete lb --name=http-service
            """,
        aliases: ["loadbalancer"])

    /// The service's virtual IP (not needed with `--name`).
    @Argument(help: "The service's virtual IP.")
    public var externalIP: String?

    /// TCP ports.
    @Option(name: .customLong("tcp"), help: "TCP ports or ranges: PORT,...")
    public var tcp: [String] = []

    /// UDP ports.
    @Option(name: .customLong("udp"), help: "UDP ports or ranges: PORT,...")
    public var udp: [String] = []

    /// SCTP ports.
    @Option(name: .customLong("sctp"), help: "SCTP ports or ranges: PORT,...")
    public var sctp: [String] = []

    /// The ICMP rule.
    @Flag(name: .customLong("icmp"), help: "The ICMP rule of the VIP.")
    public var icmp = false

    /// BGP flag sent as the `bgp` query parameter.
    @Flag(name: .customLong("bgp"), help: "The rule was advertised over BGP.")
    public var bgp = false

    /// Mark sent as the `block` query parameter.
    @Option(name: .customLong("mark"), help: "Mark number of the VIP service.")
    public var mark = 0

    /// Rule name.
    @Option(name: .customLong("name"), help: "Delete the rule with this name.")
    public var name: String?

    /// L7 host URL.
    @Option(name: .customLong("host"), help: "Ingress host URL of the rule (default any).")
    public var host: String?

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The DELETE requests this command sends, in order (tcp, udp, sctp, icmp).
    public func requests() throws(CLIError) -> [APIRequest] {
        try plan().map(\.request)
    }

    /// Sends each DELETE and reports it; stops at the first refusal.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        for (request, summary) in try plan() {
            try await environment.client.send(request)
            environment.output.write("deleted lb \(summary)")
        }
    }

    private func plan() throws(CLIError) -> [(request: APIRequest, summary: String)] {
        if let name {
            guard !name.isEmpty else { throw .invalidInput("--name must not be empty") }
            return [(APIRequest(method: .delete, path: LoadBalancerPaths.byName(name)), name)]
        }
        guard let externalIP else {
            throw .invalidInput("delete lb needs the VIP (delete lb VIP --tcp=PORT) or --name=NAME")
        }
        guard IPAddress(externalIP) != nil else {
            throw .invalidInput("external IP '\(externalIP)' is not an IPv4 or IPv6 address")
        }
        guard mark >= 0 else { throw .invalidInput("--mark must not be negative, not \(mark)") }
        var services: [ServiceArguments] = []
        for (proto, values) in [(L4Protocol.tcp, tcp), (.udp, udp), (.sctp, sctp)] {
            for value in splitList(values) {
                let ports = try DeleteLoadBalancer.ports(value)
                services.append(
                    ServiceArguments(
                        externalIP: externalIP, port: ports.port, portMax: ports.portMax, protocol: proto.rawValue))
            }
        }
        if icmp {
            services.append(ServiceArguments(externalIP: externalIP, protocol: L4Protocol.icmp.rawValue))
        }
        guard !services.isEmpty else {
            throw .invalidInput("delete lb needs at least one of --tcp, --udp, --sctp or --icmp (or --name)")
        }
        return services.map { service in
            let path = LoadBalancerPaths.byService(
                externalIP: service.externalIP, port: service.port, portMax: service.portMax,
                protocol: service.protocol, host: host, bgp: bgp, block: mark)
            return (APIRequest(method: .delete, path: path), CreateLoadBalancer.summary(service))
        }
    }

    /// A delete `PORT`: a port, or a range whose end becomes `portmax`.
    static func ports(_ text: String) throws(CLIError) -> (port: Int, portMax: Int) {
        let range = try PortMapping.range(text, what: "port")
        return (range.lowerBound, range.count > 1 ? range.upperBound : 0)
    }
}
