import ArgumentParser
import SwiftLBCore

/// `create lb VIP --tcp=PORTS:TARGETPORTS --endpoints=IP:WEIGHT,...`: one POST per (protocol, port pair).
public struct CreateLoadBalancer: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "lb",
        abstract: "Create a load-balancer rule.",
        discussion: """
            One rule is created per protocol and port pair. PORTS is a port or a range (8080-8081 makes \
            one rule for the range); TARGETPORTS is a port or a range (5201-5300 lists every endpoint \
            once per target port, as loxicmd does). An endpoint without a weight has weight 1; an IPv6 \
            endpoint may be bracketed: [2001:db8::10]:2.

            Examples:
              create lb 192.168.0.200 --tcp=80:32015 --endpoints=10.212.0.1:1,10.212.0.2:1
              create lb 10.0.0.9 --tcp=8080-8081:32015 --udp=53:5353 --endpoints=10.0.0.1
              create lb 2001::1 --tcp=2020:8080 --endpoints=4ffe::1:1,5ffe::1:1
            """,
        aliases: ["loadbalancer"])

    /// The service's virtual IP.
    @Argument(help: "The service's virtual IP (IPv4 or IPv6).")
    public var externalIP: String

    /// The rule's flags.
    @OptionGroup(title: "Rule Options") public var options: LoadBalancerOptions

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The requests this command sends, in order.
    public func requests() throws(CLIError) -> [APIRequest] {
        try options.entries(externalIP: externalIP).map {
            APIRequest(method: .post, path: LoadBalancerPaths.create, body: LoxiJSON.encode($0))
        }
    }

    /// Sends one POST per entry and reports each; stops at the first refusal.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        for entry in try options.entries(externalIP: externalIP) {
            let request = APIRequest(method: .post, path: LoadBalancerPaths.create, body: LoxiJSON.encode(entry))
            try await environment.client.send(request)
            environment.output.write("created lb \(CreateLoadBalancer.summary(entry.serviceArguments))")
        }
    }

    /// "10.0.0.1:80/tcp", "[2001::1]:8080-8081/udp" or "10.0.0.1/icmp".
    public static func summary(_ service: ServiceArguments) -> String {
        let address = service.externalIP.contains(":") ? "[\(service.externalIP)]" : service.externalIP
        guard service.protocol != L4Protocol.icmp.rawValue else { return "\(service.externalIP)/icmp" }
        return "\(address):\(LoadBalancerTable.portText(service))/\(service.protocol)"
    }
}
