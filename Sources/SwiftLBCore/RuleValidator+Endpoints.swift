extension RuleValidator {
    /// Checks every endpoint and resolves it, sorted by address and port.
    static func resolveEndpoints(
        _ endpoints: [LBEndpoint], servicePort: UInt16, maxEndpoints: Int
    ) throws(APIError) -> [DatapathEndpoint] {
        guard !endpoints.isEmpty else {
            throw .badRequest(
                field: "endpoints", message: "at least one endpoint is required; list them in endpoints")
        }
        // A fixed property of a rule, not a table filling up: bad input (400), like a field's range.
        guard endpoints.count <= maxEndpoints else {
            throw .badRequest(
                field: "endpoints",
                message: "\(endpoints.count) endpoints exceed the limit of \(maxEndpoints) per service; split the "
                    + "endpoints over several services or remove some")
        }
        var resolved: [DatapathEndpoint] = []
        var seen: Set<DatapathEndpoint.Slot> = []
        for (index, endpoint) in endpoints.enumerated() {
            let one = try resolveEndpoint(endpoint, index: index, servicePort: servicePort)
            guard seen.insert(one.slot).inserted else {
                throw .badRequest(
                    field: "endpoints[\(index)]",
                    message: "endpoint \(one.address):\(one.port) is listed twice; list each address and port once")
            }
            resolved.append(one)
        }
        return resolved.sorted { ($0.address, $0.port) < ($1.address, $1.port) }
    }

    private static func resolveEndpoint(
        _ endpoint: LBEndpoint, index: Int, servicePort: UInt16
    ) throws(APIError) -> DatapathEndpoint {
        let field = "endpoints[\(index)]"
        guard let address = IPAddress(endpoint.endpointIP) else {
            throw .badRequest(
                field: "\(field).endpointIP",
                message: "\(field).endpointIP \"\(endpoint.endpointIP)\" is not an IP address; give a dotted quad "
                    + "such as 10.0.1.1 or an IPv6 address such as 2001:db8::10")
        }
        if let problem = unusableReason(address, allowLoopback: true) {
            throw .badRequest(
                field: "\(field).endpointIP",
                message: "\(field).endpointIP \(endpoint.endpointIP) is \(problem); use a unicast address")
        }
        guard (0...65535).contains(endpoint.targetPort) else {
            throw .badRequest(
                field: "\(field).targetPort",
                message: "\(field).targetPort \(endpoint.targetPort) is out of range; use 1 to 65535, or 0 for the "
                    + "service port")
        }
        // loxilb's weight is a uint8: a larger one would make every loxicmd listing fail to decode.
        guard (0...255).contains(endpoint.weight) else {
            throw .badRequest(
                field: "\(field).weight",
                message: "\(field).weight \(endpoint.weight) is out of range; use 1 to 255 (0 counts as 1), "
                    + "as loxilb's weight is one byte")
        }
        return DatapathEndpoint(
            address: address, port: endpoint.targetPort == 0 ? servicePort : UInt16(endpoint.targetPort),
            weight: UInt16(max(endpoint.weight, 1)))
    }
}

extension DatapathEndpoint {
    /// What must be unique among a service's endpoints.
    struct Slot: Hashable {
        var address: IPAddress
        var port: UInt16
    }

    var slot: Slot { Slot(address: address, port: port) }
}
