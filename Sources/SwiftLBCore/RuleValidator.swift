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
        let port = try servicePort(args.port, portMax: args.portMax)
        let proto = try l4Protocol(args.protocol)
        let selection = try selectionAlgorithm(args.sel)
        let mode = try natMode(args.mode)
        let idleTimeout = try inactiveTimeout(args.inactiveTimeOut)
        try checkUnsupported(entry)
        try checkName(args.name)
        let endpoints = try resolveEndpoints(entry.endpoints, servicePort: port, maxEndpoints: maxEndpoints)

        var normalized = entry
        normalized.serviceArguments.protocol = proto.rawValue
        normalized.endpoints = endpoints.map {
            LBEndpoint(endpointIP: $0.address.description, targetPort: Int($0.port), weight: Int($0.weight))
        }
        return LBRule(
            key: ServiceKey(vip: vip, port: port, proto: proto), name: args.name, selection: selection, mode: mode,
            endpoints: endpoints, managed: args.managed, inactiveTimeout: idleTimeout, entry: normalized)
    }

    private static func serviceAddress(_ text: String) throws(APIError) -> IPAddress {
        let field = "serviceArguments.externalIP"
        guard !text.isEmpty else {
            throw .badRequest(field: field, message: "\(field) is required; give the service's IPv4 VIP, e.g. 10.0.0.1")
        }
        guard let address = IPAddress(text) else {
            throw .badRequest(
                field: field, message: "\(field) \"\(text)\" is not an IP address; give a dotted quad such as 10.0.0.1")
        }
        guard address.isV4 else {
            throw .badRequest(field: field, message: "IPv6 services are not supported yet; use an IPv4 VIP")
        }
        if let problem = unusableReason(address, allowLoopback: false) {
            throw .badRequest(field: field, message: "\(field) \(text) is \(problem); use a unicast IPv4 VIP")
        }
        return address
    }

    /// Why `address` cannot carry service traffic, or nil when it can.
    static func unusableReason(_ address: IPAddress, allowLoopback: Bool) -> String? {
        if address.isUnspecified { return "the unspecified address" }
        if address.isBroadcast { return "the broadcast address" }
        if address.isMulticast { return "a multicast address" }
        if !allowLoopback && address.isLoopback { return "a loopback address" }
        return nil
    }

    private static func servicePort(_ port: Int, portMax: Int) throws(APIError) -> UInt16 {
        guard (1...65535).contains(port) else {
            throw .badRequest(
                field: "serviceArguments.port", message: "serviceArguments.port \(port) is out of range; use 1 to 65535"
            )
        }
        if portMax > port {
            throw .badRequest(
                field: "serviceArguments.portMax",
                message: "port ranges are not supported yet; set portMax to 0 (or equal to port) and create one rule "
                    + "per port")
        }
        guard portMax == 0 || portMax == port else {
            throw .badRequest(
                field: "serviceArguments.portMax",
                message: "serviceArguments.portMax \(portMax) is below port \(port); set it to 0 for a single port")
        }
        return UInt16(port)
    }

    private static func l4Protocol(_ text: String) throws(APIError) -> L4Protocol {
        let field = "serviceArguments.protocol"
        switch L4Protocol(rawValue: text.lowercased()) {
        case .tcp: return .tcp
        case .udp: return .udp
        case .sctp, .icmp:
            throw .badRequest(
                field: field, message: "\(text.lowercased()) services are not supported yet; use tcp or udp")
        case nil:
            throw .badRequest(
                field: field, message: "\(field) \"\(text)\" is not a protocol; use one of tcp, udp, sctp, icmp")
        }
    }

    private static func selectionAlgorithm(_ code: Int) throws(APIError) -> SelectionAlgorithm {
        let field = "serviceArguments.sel"
        guard let algorithm = SelectionAlgorithm(rawValue: code) else {
            throw .badRequest(
                field: field,
                message: "\(field) \(code) is not an algorithm; use 0 (rr), 1 (hash), 2 (priority), 3 (persist), "
                    + "4 (lc), 5 (n2) or 6 (n3)")
        }
        guard algorithm != .n2 && algorithm != .n3 else {
            throw .badRequest(
                field: field,
                message: "selection \(algorithm.name) (5G N2/N3 contents) is not supported yet; use 0 (rr), 1 (hash), "
                    + "2 (priority), 3 (persist) or 4 (lc)")
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
        case .dnat, .oneArm, .fullNAT:
            return mode
        case .fullProxy:
            throw .badRequest(
                field: field, message: "mode fullproxy is not supported; use 0 (default), 1 (onearm) or 2 (fullnat)")
        case .dsr, .hostOneArm:
            throw .badRequest(
                field: field,
                message: "mode \(mode.name) is not supported yet; use 0 (default), 1 (onearm) or 2 (fullnat)")
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
