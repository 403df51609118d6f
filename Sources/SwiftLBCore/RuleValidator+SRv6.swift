extension RuleValidator {
    /// Segments one endpoint's list may hold (the datapath's SLB_SRV6_MAX_SEGS).
    public static let maxSRv6Segments = 6

    /// Checks the rule's SRv6 fields (`serviceArguments.srv6Sid`, `endpoints[i].srv6Segments`) and
    /// gives each resolved endpoint its segments. Returns the SID, nil for a rule without SRv6.
    static func srv6(
        _ entry: LoadBalancerEntry, vip: IPAddress, mode: NATMode, servicePort: UInt16,
        endpoints: inout [DatapathEndpoint]
    ) throws(APIError) -> IPAddress? {
        let sidText = entry.serviceArguments.srv6Sid
        var anySegments = false
        for (index, endpoint) in entry.endpoints.enumerated() where !endpoint.srv6Segments.isEmpty {
            let field = "endpoints[\(index)].srv6Segments"
            anySegments = true
            let segments = try srv6Segments(endpoint.srv6Segments, field: field)
            try checkSRv6Service(vip: vip, mode: mode, field: field)
            // resolveEndpoints accepted the address and port; find the endpoint it made of them.
            let port = endpoint.targetPort == 0 ? servicePort : UInt16(endpoint.targetPort)
            guard let address = IPAddress(endpoint.endpointIP),
                let slot = endpoints.firstIndex(where: { $0.address == address && $0.port == port })
            else { continue }
            endpoints[slot].segments = segments
        }
        let field = "serviceArguments.srv6Sid"
        guard !sidText.isEmpty else {
            guard !anySegments else {
                throw .badRequest(
                    field: field,
                    message: "\(field) is required when an endpoint has srv6Segments; give an IPv6 address of this "
                        + "load balancer, e.g. fc00:0:1::100, to which endpoints send their encapsulated replies")
            }
            return nil
        }
        guard anySegments else {
            throw .badRequest(
                field: field,
                message: "\(field) needs at least one endpoint with srv6Segments; remove it or give an endpoint's "
                    + "segment list")
        }
        return try srv6Address(sidText, field: field)
    }

    private static func srv6Segments(_ texts: [String], field: String) throws(APIError) -> [IPAddress] {
        guard texts.count <= maxSRv6Segments else {
            throw .badRequest(
                field: field,
                message: "\(field) has \(texts.count) segments; at most \(maxSRv6Segments) are supported")
        }
        var segments: [IPAddress] = []
        for (position, text) in texts.enumerated() {
            segments.append(try srv6Address(text, field: "\(field)[\(position)]"))
        }
        return segments
    }

    /// An IPv6 unicast address for a SID field.
    private static func srv6Address(_ text: String, field: String) throws(APIError) -> IPAddress {
        guard let address = IPAddress(text), !address.isV4 else {
            throw .badRequest(
                field: field, message: "\(field) \"\(text)\" is not an IPv6 address; give a SID such as fc00:0:2::1")
        }
        if let problem = unusableReason(address, allowLoopback: false) {
            throw .badRequest(field: field, message: "\(field) \(text) is \(problem); give a unicast SID")
        }
        return address
    }

    private static func checkSRv6Service(vip: IPAddress, mode: NATMode, field: String) throws(APIError) {
        guard !vip.isV4 else {
            throw .badRequest(
                field: field,
                message: "\(field) needs an IPv6 VIP (serviceArguments.externalIP); SRv6 is supported for IPv6 "
                    + "services only")
        }
        switch mode {
        case .dnat, .oneArm, .fullNAT: return
        case .dsr, .fullProxy, .hostOneArm:
            throw .badRequest(
                field: field,
                message: "\(field) is not supported with mode \(mode.rawValue) (\(mode.name)); use mode 0 (default), "
                    + "1 (onearm) or 2 (fullnat)")
        }
    }
}
