import ArgumentParser
import SwiftLBCore

/// The flags of `create lb`, as loxicmd spells them, and their translation into loxilb entries.
///
/// Only input that cannot be expressed in the request at all is rejected here (a bad port pair or
/// endpoint, an unknown `--select` name, no protocol, no endpoints). Everything else is sent as
/// given, and the server refuses what it does not support with a message.
public struct LoadBalancerOptions: ParsableArguments {
    /// TCP port pairs.
    @Option(name: .customLong("tcp"), help: "TCP port pairs PORTS:TARGETPORTS, e.g. 80:8080 or 8080-8081:32015.")
    public var tcp: [String] = []

    /// UDP port pairs.
    @Option(name: .customLong("udp"), help: "UDP port pairs PORTS:TARGETPORTS.")
    public var udp: [String] = []

    /// SCTP port pairs.
    @Option(name: .customLong("sctp"), help: "SCTP port pairs PORTS:TARGETPORTS.")
    public var sctp: [String] = []

    /// An ICMP (ping) rule.
    @Flag(name: .customLong("icmp"), help: "Load-balance ICMP echo (ping).")
    public var icmp = false

    /// Endpoints.
    @Option(name: .customLong("endpoints"), help: "Endpoints IP:WEIGHT,... (weight 1 when omitted).")
    public var endpoints: [String] = []

    /// Selection algorithm name.
    @Option(name: .customLong("select"), help: "Endpoint selection: rr, hash, priority, persist, lc, n2 or n3.")
    public var select = "rr"

    /// NAT mode name.
    @Option(
        name: .customLong("mode"), help: "NAT mode: default, onearm, fullnat, dsr, fullproxy or hostonearm.")
    public var mode = "default"

    /// Idle timeout in seconds.
    @Option(name: .customLong("inatimeout"), help: "Seconds of inactivity after which a session is reset.")
    public var inactiveTimeout = 0

    /// Rule name.
    @Option(name: .customLong("name"), help: "Name of the rule.")
    public var name = ""

    /// Advertise over BGP.
    @Flag(name: .customLong("bgp"), help: "Advertise the VIP over BGP.")
    public var bgp = false

    /// Health-check endpoints.
    @Flag(name: .customLong("monitor"), help: "Health-check the endpoints of this rule.")
    public var monitor = false

    /// Secondary VIPs (SCTP multi-homing).
    @Option(name: .customLong("secips"), help: "Secondary IPs for SCTP multi-homing: IP,...")
    public var secondaryIPs: [String] = []

    /// Allowed source prefixes.
    @Option(name: .customLong("sources"), help: "Allowed source prefixes: CIDR,...")
    public var sources: [String] = []

    /// The rule's own source addresses for fullnat / onearm flows (SwiftLB's `snatSources`).
    @Option(
        name: .customLong("snat-sources"),
        help: ArgumentHelp(
            "fullnat/onearm: IPv4 source addresses for this rule's flows: an address, a prefix (10.0.9.0/28) or a range (10.0.9.1-10.0.9.8). Each address carries about 470 new connections per second per endpoint.",
            valueName: "pool"))
    public var snatSources = ""

    /// The load balancer's SRv6 SID for the rule (SwiftLB's `srv6Sid`).
    @Option(
        name: .customLong("srv6-sid"),
        help: ArgumentHelp(
            "SRv6: an IPv6 address of this load balancer, the outer source toward endpoints with --srv6-segments and where they send their encapsulated replies (End.DX4/End.DX6).",
            valueName: "sid"))
    public var srv6Sid = ""

    /// Segment lists per endpoint (SwiftLB's `srv6Segments`): `ENDPOINT=SEG+SEG,...`.
    @Option(
        name: .customLong("srv6-segments"),
        help: ArgumentHelp(
            "SRv6 segment lists per endpoint, first segment first: ENDPOINT=SID+SID,... (e.g. 10.0.0.5=fc00:2::1+fc00:3::d4); at most 6 segments each.",
            valueName: "lists"))
    public var srv6Segments: [String] = []

    /// Mark ("block") segregating VIP services.
    @Option(name: .customLong("mark"), help: "Mark number to segregate a VIP service.")
    public var mark = 0

    /// Attach the endpoints to an existing rule.
    @Flag(name: .customLong("attachEP"), help: "Attach the endpoints to the existing rule.")
    public var attachEndpoints = false

    /// Detach the endpoints from an existing rule.
    @Flag(name: .customLong("detachEP"), help: "Detach the endpoints from the existing rule.")
    public var detachEndpoints = false

    /// Security mode name.
    @Option(name: .customLong("security"), help: "Security mode: https, e2ehttps or none.")
    public var security = "none"

    /// L7 host / URL.
    @Option(name: .customLong("host"), help: "Ingress host URL.")
    public var host = ""

    /// PROXY protocol v2.
    @Flag(name: .customLong("ppv2en"), help: "Send a PROXY protocol v2 header to endpoints.")
    public var proxyProtocolV2 = false

    /// Egress rule.
    @Flag(name: .customLong("egress"), help: "Make this an egress rule.")
    public var egress = false

    /// Probe type.
    @Option(name: .customLong("probetype"), help: "Health probe type: tcp, udp, sctp, http, https, ping or none.")
    public var probeType = ""

    /// Probe port.
    @Option(name: .customLong("probeport"), help: "Health probe port.")
    public var probePort = 0

    /// Probe request.
    @Option(name: .customLong("probereq"), help: "Health probe request (HTTP path).")
    public var probeRequest = ""

    /// Expected probe response.
    @Option(name: .customLong("proberesp"), help: "Expected health probe response.")
    public var probeResponse = ""

    /// Probe timeout.
    @Option(name: .customLong("probetimeout"), help: "Health probe timeout in seconds.")
    public var probeTimeout = 0

    /// Probe retries.
    @Option(name: .customLong("proberetries"), help: "Health probe retries before an endpoint is down.")
    public var probeRetries = 0

    /// Creates the defaults (ArgumentParser fills the values in).
    public init() {}

    /// One loxilb entry per (protocol, port pair), in the order tcp, udp, sctp, icmp and, within a
    /// protocol, the order given.
    public func entries(externalIP: String) throws(CLIError) -> [LoadBalancerEntry] {
        guard IPAddress(externalIP) != nil else {
            throw .invalidInput("external IP '\(externalIP)' is not an IPv4 or IPv6 address")
        }
        let mappings = try protocolMappings()
        guard !mappings.isEmpty else {
            throw .invalidInput("create lb needs at least one of --tcp, --udp, --sctp or --icmp")
        }
        let endpointList = try EndpointSpec.list(endpoints)
        guard !endpointList.isEmpty else {
            throw .invalidInput("create lb needs --endpoints=IP:WEIGHT,... (e.g. --endpoints=10.0.0.1:1,10.0.0.2:1)")
        }
        let base = try serviceArguments(externalIP: externalIP)
        let segments = try SRv6SegmentSpec.lists(splitList(srv6Segments), endpoints: endpointList.map(\.ip))
        return mappings.map { proto, mapping in
            var service = base
            service.protocol = proto.rawValue
            service.port = mapping.port
            service.portMax = mapping.portMax
            let expanded = endpointList.flatMap { endpoint in
                mapping.targetPorts.map {
                    LBEndpoint(
                        endpointIP: endpoint.ip, targetPort: $0, weight: endpoint.weight,
                        srv6Segments: segments[endpoint.ip] ?? [])
                }
            }
            return LoadBalancerEntry(
                serviceArguments: service, endpoints: expanded,
                secondaryIPs: splitList(secondaryIPs).map { SecondaryIP(secondaryIP: $0) },
                allowedSources: splitList(sources).map { AllowedSource(prefix: $0) })
        }
    }

    private func protocolMappings() throws(CLIError) -> [(L4Protocol, PortMapping)] {
        var result: [(L4Protocol, PortMapping)] = []
        for (proto, values) in [(L4Protocol.tcp, tcp), (.udp, udp), (.sctp, sctp)] {
            for value in splitList(values) {
                result.append((proto, try PortMapping(parsing: value)))
            }
        }
        if icmp {
            result.append((.icmp, .icmp))
        }
        return result
    }

    private func serviceArguments(externalIP: String) throws(CLIError) -> ServiceArguments {
        guard let selection = SelectionAlgorithm(name: select) else {
            let names = SelectionAlgorithm.allCases.map(\.name).joined(separator: ", ")
            throw .invalidInput("--select '\(select)' is not one of \(names)")
        }
        guard let natMode = NATMode(name: mode) else {
            let names = NATMode.allCases.map(\.name).joined(separator: ", ")
            throw .invalidInput("--mode '\(mode)' is not one of \(names)")
        }
        guard !(attachEndpoints && detachEndpoints) else {
            throw .invalidInput("--attachEP and --detachEP cannot be given together")
        }
        for (flag, value) in [("--inatimeout", inactiveTimeout), ("--mark", mark), ("--probeport", probePort)]
        where value < 0 {
            throw .invalidInput("\(flag) must not be negative, not \(value)")
        }
        return ServiceArguments(
            externalIP: externalIP, sel: selection.rawValue, mode: natMode.rawValue, bgp: bgp, monitor: monitor,
            probetype: probeType, probeport: probePort, probereq: probeRequest, proberesp: probeResponse,
            probeTimeout: probeTimeout, probeRetries: probeRetries, inactiveTimeOut: inactiveTimeout, name: name,
            security: try securityCode(), block: mark, oper: attachEndpoints ? 1 : (detachEndpoints ? 2 : 0),
            host: host, proxyprotocolv2: proxyProtocolV2, egress: egress, snatSources: snatSources, srv6Sid: srv6Sid)
    }

    private func securityCode() throws(CLIError) -> Int {
        switch security.lowercased() {
        case "", "none", "plain": return 0
        case "https", "tls": return 1
        case "e2ehttps", "e2etls": return 2
        default: throw .invalidInput("--security '\(security)' is not one of https, e2ehttps, none")
        }
    }
}
