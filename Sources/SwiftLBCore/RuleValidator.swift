/// Turns a `LoadBalancerEntry` into an `LBRule`, or explains with a 400 (or 507) what is wrong.
///
/// Validation is complete before any state is touched. Features SwiftLB does not implement yet are
/// refused with a message saying so, never accepted and ignored. Checks that need the current rule
/// set (name uniqueness, conflicts, free service ids) belong to `RuleStore`.
public enum RuleValidator {
    /// The longest accepted rule name, in characters.
    public static let maxNameLength = 128

    /// Validates `entry` against the datapath's limits.
    public static func validate(_ entry: LoadBalancerEntry) throws(APIError) -> LBRule {
        try validate(entry, maxEndpoints: Limits.maxEndpointsPerService)
    }

    /// Validates `entry`, allowing at most `maxEndpoints` endpoints (tests use a small limit).
    static func validate(_ entry: LoadBalancerEntry, maxEndpoints: Int) throws(APIError) -> LBRule {
        let args = entry.serviceArguments
        let vip = try serviceAddress(args.externalIP)
        let proto = try l4Protocol(args.protocol)
        let (port, portMax) =
            proto == .icmp
            ? (try icmpPort(args.port, portMax: args.portMax), 0)
            : try servicePorts(args.port, portMax: args.portMax)
        let selection = try selectionAlgorithm(args.sel, proto: proto)
        let mode = try natMode(args.mode)
        try checkModeNeeds(mode, selection: selection)
        let idleTimeout = try inactiveTimeout(args.inactiveTimeOut)
        try checkUnsupported(entry)
        let host = try checkProxyFields(args, mode: mode)
        try checkName(args.name)
        var endpoints = try resolveEndpoints(
            entry.endpoints, servicePort: portMax == 0 ? port : 0, maxEndpoints: maxEndpoints)
        try checkFamilies(vip: vip, entry: entry)
        let secondaryVIPs = try secondaryAddresses(entry.secondaryIPs, primary: vip)
        let allowedSources = try sourcePrefixes(entry.allowedSources)
        try checkDSRPorts(mode, endpoints: endpoints, servicePort: port)
        try checkDSRFamily(mode, vip: vip, endpoints: endpoints)
        let sourcePool = try snatSources(args.snatSources, mode: mode, vip: vip)
        try checkSCTPMultihome(
            proto: proto, mode: mode, vip: vip, secondaryVIPs: secondaryVIPs, endpoints: endpoints,
            snatSources: args.snatSources)
        let srv6SID = try srv6(
            entry, vip: vip, mode: mode, servicePort: portMax == 0 ? port : 0, endpoints: &endpoints)

        var normalized = entry
        normalized.serviceArguments.protocol = proto.rawValue
        if let probe = ProbeType(name: args.probetype) { normalized.serviceArguments.probetype = probe.rawValue }
        normalized.endpoints = endpoints.map {
            LBEndpoint(
                endpointIP: $0.address.description, targetPort: Int($0.port), weight: Int($0.weight),
                srv6Segments: $0.segments.map(\.description))
        }
        normalized.serviceArguments.portMax = Int(portMax)
        normalized.secondaryIPs = secondaryVIPs.map { SecondaryIP(secondaryIP: $0.description) }
        normalized.allowedSources = allowedSources.map { AllowedSource(prefix: $0.description) }
        normalized.serviceArguments.snatSources = sourcePool?.description ?? ""
        normalized.serviceArguments.host = host
        normalized.serviceArguments.srv6Sid = srv6SID?.description ?? ""
        var rule = LBRule(
            key: ServiceKey(vip: vip, port: port, proto: proto, host: host), name: args.name, selection: selection,
            mode: mode,
            endpoints: endpoints, managed: args.managed, inactiveTimeout: idleTimeout, entry: normalized)
        rule.portMax = portMax
        rule.secondaryVIPs = secondaryVIPs
        rule.allowedSources = allowedSources
        rule.sourcePool = sourcePool
        rule.srv6SID = srv6SID
        return rule
    }

    private static func serviceAddress(_ text: String) throws(APIError) -> IPAddress {
        let field = "serviceArguments.externalIP"
        guard !text.isEmpty else {
            throw .badRequest(
                field: field, message: "\(field) is required; give the service's VIP, e.g. 10.0.0.1 or 2001:db8::1")
        }
        guard let address = IPAddress(text) else {
            throw .badRequest(
                field: field,
                message: "\(field) \"\(text)\" is not an IP address; give a dotted quad such as 10.0.0.1 or an IPv6 "
                    + "address such as 2001:db8::1")
        }
        if let problem = unusableReason(address, allowLoopback: false) {
            throw .badRequest(field: field, message: "\(field) \(text) is \(problem); use a unicast VIP")
        }
        return address
    }

    /// Why `address` cannot carry service traffic, or nil when it can.
    public static func unusableReason(_ address: IPAddress, allowLoopback: Bool) -> String? {
        if address.isUnspecified { return "the unspecified address" }
        // A link-local address needs an interface scope that rules have no field for.
        if address.isLinkLocalV6 { return "an IPv6 link-local address" }
        if address.isBroadcast { return "the broadcast address" }
        if address.isMulticast { return "a multicast address" }
        if !allowLoopback && address.isLoopback { return "a loopback address" }
        return nil
    }

    private static func l4Protocol(_ text: String) throws(APIError) -> L4Protocol {
        let field = "serviceArguments.protocol"
        switch L4Protocol(rawValue: text.lowercased()) {
        case .tcp: return .tcp
        case .udp: return .udp
        case .sctp: return .sctp
        case .icmp: return .icmp
        case nil:
            throw .badRequest(
                field: field, message: "\(field) \"\(text)\" is not a protocol; use one of tcp, udp, sctp, icmp")
        }
    }

    private static func selectionAlgorithm(_ code: Int, proto: L4Protocol) throws(APIError) -> SelectionAlgorithm {
        let field = "serviceArguments.sel"
        guard let algorithm = SelectionAlgorithm(rawValue: code) else {
            throw .badRequest(
                field: field,
                message: "\(field) \(code) is not an algorithm; use 0 (rr), 1 (hash), 2 (priority), 3 (persist), "
                    + "4 (lc), 5 (n2) or 6 (n3)")
        }
        guard algorithm != .n2 else {
            throw .badRequest(
                field: field,
                message: "selection n2 (5G N2 contents) is not supported yet; use 0 (rr), 1 (hash), 2 (priority), "
                    + "3 (persist), 4 (lc) or, for GTP-U over UDP, 6 (n3)")
        }
        // n3 picks by the GTP-U tunnel (TEID), which only UDP carries (loxilb refuses it for others too).
        guard algorithm != .n3 || proto == .udp else {
            throw .badRequest(
                field: field,
                message: "selection n3 (by GTP-U tunnel) needs protocol udp; this rule is \(proto.rawValue)")
        }
        return algorithm
    }

    // loxilb's inactiveTimeOut is an unsigned 32-bit count of seconds; 0 keeps the protocol default.
    private static func inactiveTimeout(_ seconds: Int) throws(APIError) -> UInt32 {
        let field = "serviceArguments.inactiveTimeOut"
        guard let value = UInt32(exactly: seconds) else {
            throw .badRequest(
                field: field,
                message: "\(field) \(seconds) is out of range; give the idle timeout in seconds, 1 to \(UInt32.max), "
                    + "or 0 for the default")
        }
        return value
    }

    private static func natMode(_ code: Int) throws(APIError) -> NATMode {
        let field = "serviceArguments.mode"
        guard let mode = NATMode(rawValue: code) else {
            throw .badRequest(
                field: field,
                message: "\(field) \(code) is not a NAT mode; use 0 (default), 1 (onearm), 2 (fullnat), 3 (dsr), "
                    + "4 (fullproxy) or 5 (hostonearm)")
        }
        switch mode {
        case .dnat, .oneArm, .fullNAT, .dsr, .fullProxy:
            return mode
        case .hostOneArm:
            throw .badRequest(
                field: field,
                message: "mode hostonearm is not supported: it translates to the host's own address for endpoints "
                    + "inside the load balancer's host (loxilb in-cluster mode), which SwiftLB's datapath does not "
                    + "do; use 1 (onearm) for endpoints on a link of the load balancer")
        }
    }

    /// ICMP rules carry no port: loxicmd's `--icmp` sends port 0.
    private static func icmpPort(_ port: Int, portMax: Int) throws(APIError) -> UInt16 {
        guard port == 0 else {
            throw .badRequest(
                field: "serviceArguments.port",
                message: "icmp rules have no port; send serviceArguments.port 0 (got \(port))")
        }
        guard portMax == 0 else {
            throw .badRequest(
                field: "serviceArguments.portMax",
                message: "icmp rules have no port range; send serviceArguments.portMax 0 (got \(portMax))")
        }
        return 0
    }

    /// DSR selects an endpoint per flow without ever seeing replies; loxilb requires the hash selection for it.
    private static func checkModeNeeds(_ mode: NATMode, selection: SelectionAlgorithm) throws(APIError) {
        guard mode == .dsr, selection != .hash else { return }
        throw .badRequest(
            field: "serviceArguments.sel",
            message: "mode dsr requires sel 1 (hash), as in loxilb; got \(selection.rawValue) (\(selection.name))")
    }

    /// DSR leaves the packet's ports alone, so an endpoint cannot listen on another port than the service's.
    private static func checkDSRPorts(
        _ mode: NATMode, endpoints: [DatapathEndpoint], servicePort: UInt16
    ) throws(APIError) {
        guard mode == .dsr else { return }
        for (index, endpoint) in endpoints.enumerated() where endpoint.port != servicePort && endpoint.port != 0 {
            throw .badRequest(
                field: "endpoints[\(index)].targetPort",
                message: "mode dsr cannot change the port: endpoint \(endpoint.address) has targetPort "
                    + "\(endpoint.port) but the service port is \(servicePort); send targetPort 0 or \(servicePort)")
        }
    }

    private static func checkName(_ name: String) throws(APIError) {
        let field = "serviceArguments.name"
        guard name.count <= maxNameLength else {
            throw .badRequest(
                field: field, message: "\(field) is \(name.count) characters long; use at most \(maxNameLength)")
        }
        let unprintable: Set<Unicode.GeneralCategory> = [
            .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate, .privateUse,
        ]
        guard name.unicodeScalars.allSatisfy({ !unprintable.contains($0.properties.generalCategory) }) else {
            throw .badRequest(
                field: field, message: "\(field) contains control or unprintable characters; use printable text")
        }
    }
}
