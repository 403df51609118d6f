extension RuleValidator {
    /// Checks a rule's health-probe fields (`monitor`, `probetype`, `probeport`, `probereq`, `proberesp`,
    /// `probeTimeout`, `probeRetries`). The type is checked even without `monitor`, so that a typo is
    /// reported rather than silently ignored.
    static func checkProbe(_ args: ServiceArguments) throws(APIError) {
        let prefix = "serviceArguments."
        if !args.probetype.isEmpty {
            _ = try probeType(args.probetype, field: prefix + "probetype")
        }
        try checkRange(args.probeport, 0...65535, field: prefix + "probeport", what: "a port")
        try checkRange(
            args.probeTimeout, 0...ProbeTarget.maxInterval, field: prefix + "probeTimeout",
            what: "seconds between probes (0 means \(ProbeTarget.defaultInterval))")
        try checkRange(
            args.probeRetries, 0...ProbeTarget.maxRetries, field: prefix + "probeRetries",
            what: "failed probes before an endpoint is inactive (0 means \(ProbeTarget.defaultRetries))")
        try checkText(args.probereq, field: prefix + "probereq")
        try checkText(args.proberesp, field: prefix + "proberesp")
    }

    /// Validates a `POST /config/endpoint` body and returns it normalized (name, type, period, retries
    /// and port filled in with their defaults) together with the target it describes.
    public static func validate(_ entry: EndPointEntry) throws(APIError) -> (EndPointEntry, ProbeTarget) {
        guard let host = IPAddress(entry.hostName) else {
            throw .badRequest(
                field: "hostName", message: "hostName \"\(entry.hostName)\" is not an IPv4 or IPv6 address")
        }
        let type = entry.probeType.isEmpty ? ProbeType.ping : try probeType(entry.probeType, field: "probeType")
        try checkRange(entry.probePort, 0...65535, field: "probePort", what: "a port")
        try checkRange(
            entry.probeDuration, 0...ProbeTarget.maxInterval, field: "probeDuration",
            what: "seconds between probes (0 means \(ProbeTarget.defaultInterval))")
        try checkRange(
            entry.inactiveReTries, 0...ProbeTarget.maxRetries, field: "inactiveReTries",
            what: "failed probes before the host is inactive (0 means \(ProbeTarget.defaultRetries))")
        try checkText(entry.probeReq, field: "probeReq")
        try checkText(entry.probeResp, field: "probeResp")
        try checkText(entry.name, field: "name")
        var port = entry.probePort
        if port == 0 {
            switch type {
            case .http: port = 80
            case .https: port = 443
            case .tcp, .udp, .sctp:
                throw .badRequest(
                    field: "probePort", message: "a \(type.rawValue) probe needs probePort (1...65535)")
            case .ping, .none: break
            }
        }
        if !type.usesPort { port = 0 }
        var normalized = entry
        normalized.hostName = host.description
        normalized.probeType = type.rawValue
        normalized.probePort = port
        normalized.probeDuration = entry.probeDuration == 0 ? ProbeTarget.defaultInterval : entry.probeDuration
        normalized.inactiveReTries = entry.inactiveReTries == 0 ? ProbeTarget.defaultRetries : entry.inactiveReTries
        if normalized.name.isEmpty {
            normalized.name = ProbeTarget.key(host: host, type: type, port: UInt16(port))
        }
        let target = ProbeTarget(
            key: normalized.name, host: host, type: type, port: UInt16(port), request: entry.probeReq,
            response: entry.probeResp, interval: normalized.probeDuration, retries: normalized.inactiveReTries)
        return (normalized, target)
    }

    private static func probeType(_ name: String, field: String) throws(APIError) -> ProbeType {
        guard let type = ProbeType(name: name) else {
            throw .badRequest(
                field: field,
                message: "\(field) \"\(name)\" is not a probe type; use one of \(ProbeType.supportedNames)")
        }
        guard ProbeType.supported.contains(type) else {
            throw .badRequest(
                field: field,
                message: "\(type.rawValue) probes are not supported yet; use one of \(ProbeType.supportedNames)")
        }
        return type
    }

    private static func checkRange(
        _ value: Int, _ range: ClosedRange<Int>, field: String, what: String
    ) throws(APIError) {
        guard range.contains(value) else {
            throw .badRequest(
                field: field,
                message: "\(field) \(value) is out of range; send \(range.lowerBound)...\(range.upperBound) (\(what))")
        }
    }

    // Probe texts go into requests on the wire: keep them short and free of control characters.
    private static func checkText(_ text: String, field: String) throws(APIError) {
        guard text.utf8.count <= 1024 else {
            throw .badRequest(field: field, message: "\(field) is longer than 1024 bytes; send a shorter text")
        }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw .badRequest(field: field, message: "\(field) contains control characters (CR, LF, ...); remove them")
        }
    }
}
