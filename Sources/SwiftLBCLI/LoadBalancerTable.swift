import SwiftLBCore

/// `get lb` tables: one row per rule, or with `-o wide` one row per endpoint.
public enum LoadBalancerTable {
    /// Column titles of the default layout.
    public static let headers = ["EXT IP", "PORT", "PROTO", "NAME", "MARK", "SEL", "MODE", "# OF ENDPOINTS", "MONITOR"]
    /// Column titles of `-o wide`.
    public static let wideHeaders = [
        "EXT IP", "SEC IPS", "HOST", "PORT", "PROTO", "NAME", "MARK", "SEL", "MODE", "ENDPOINT", "EPORT", "WEIGHT",
        "STATE", "COUNTERS",
    ]
    /// Columns `-o wide` adds when a listed rule uses SRv6 (SwiftLB's `srv6Sid`, `srv6Segments`).
    public static let srv6Headers = ["SRV6 SID", "SRV6 SEGMENTS"]

    /// The rules loxicmd shows: those named `serviceName` when given, without internal SNAT rules,
    /// sorted by address, port and protocol.
    public static func visible(_ entries: [LoadBalancerEntry], serviceName: String?) -> [LoadBalancerEntry] {
        entries.filter { entry in
            !entry.serviceArguments.snat && (serviceName.map { entry.serviceArguments.name == $0 } ?? true)
        }.sorted(by: isOrdered)
    }

    /// The table for `entries` (already filtered), default or wide.
    public static func render(_ entries: [LoadBalancerEntry], wide: Bool) -> String {
        guard wide else {
            return TextTable(headers: headers, rows: entries.map(row)).render()
        }
        guard entries.contains(where: { !$0.serviceArguments.srv6Sid.isEmpty }) else {
            return TextTable(headers: wideHeaders, rows: entries.flatMap(wideRows)).render()
        }
        return TextTable(headers: wideHeaders + srv6Headers, rows: entries.flatMap(srv6WideRows)).render()
    }

    /// `wideRows` with the SRv6 columns: the SID on the rule's first row, each endpoint's segments
    /// (first segment first) on its row.
    static func srv6WideRows(_ entry: LoadBalancerEntry) -> [[String]] {
        let rows = wideRows(entry)
        return rows.enumerated().map { index, row in
            let sid = index == 0 ? entry.serviceArguments.srv6Sid : ""
            let segments = index < entry.endpoints.count ? entry.endpoints[index].srv6Segments : []
            return row + [sid, segments.joined(separator: ",")]
        }
    }

    static func row(_ entry: LoadBalancerEntry) -> [String] {
        let service = entry.serviceArguments
        return [
            service.externalIP, portText(service), protocolText(service), service.name, String(service.block),
            selectionName(service.sel), modeText(service), String(entry.endpoints.count),
            service.monitor ? "On" : "Off",
        ]
    }

    static func wideRows(_ entry: LoadBalancerEntry) -> [[String]] {
        let service = entry.serviceArguments
        let head = [
            service.externalIP, entry.secondaryIPs.map(\.secondaryIP).joined(separator: ", "), service.host,
            portText(service), protocolText(service), service.name, String(service.block),
            selectionName(service.sel), modeText(service),
        ]
        guard !entry.endpoints.isEmpty else { return [head] }
        return entry.endpoints.enumerated().map { index, endpoint in
            let lead = index == 0 ? head : Array(repeating: "", count: head.count)
            // loxicmd shows an endpoint's state only when the rule is monitored; a host marked down
            // through endpointhoststate is shown too.
            let state = service.monitor || endpoint.state == "inactive" ? endpoint.state : "-"
            return lead + [
                endpoint.endpointIP, String(endpoint.targetPort), String(endpoint.weight), state, endpoint.counter,
            ]
        }
    }

    static func portText(_ service: ServiceArguments) -> String {
        service.portMax > service.port ? "\(service.port)-\(service.portMax)" : String(service.port)
    }

    static func protocolText(_ service: ServiceArguments) -> String {
        switch service.security {
        case 1: service.protocol + ":https"
        case 2: service.protocol + ":e2ehttps"
        default: service.protocol
        }
    }

    /// The mode as loxicmd prints it: "fullproxy:ppv2" when the rule sends PROXY protocol v2.
    static func modeText(_ service: ServiceArguments) -> String {
        modeName(service.mode) + (service.proxyprotocolv2 ? ":ppv2" : "")
    }

    static func selectionName(_ code: Int) -> String {
        SelectionAlgorithm(rawValue: code)?.name ?? String(code)
    }

    static func modeName(_ code: Int) -> String {
        NATMode(rawValue: code)?.name ?? String(code)
    }

    private static func isOrdered(_ lhs: LoadBalancerEntry, _ rhs: LoadBalancerEntry) -> Bool {
        let left = lhs.serviceArguments
        let right = rhs.serviceArguments
        if left.externalIP != right.externalIP {
            if let a = IPAddress(left.externalIP), let b = IPAddress(right.externalIP) { return a < b }
            return left.externalIP < right.externalIP
        }
        if left.port != right.port { return left.port < right.port }
        if left.protocol != right.protocol { return left.protocol < right.protocol }
        return left.host < right.host
    }
}
