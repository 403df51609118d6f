/// Which rules a delete applies to, as loxilb's DELETE paths name them.
public enum RuleSelector: Sendable, Equatable {
    /// `/externalipaddress/{ip_address}/port/{port}[/portmax/{portmax}]/protocol/{proto}`, optionally
    /// under `/hosturl/{hosturl}`. The rule starting at `port` matches; a `portMax` other than nil, 0
    /// or `port` must also equal the end of its range. A nil, "" or "any" `hostURL` matches host-less
    /// rules.
    case service(externalIP: String, port: Int, portMax: Int?, proto: String, hostURL: String?)
    /// `/name/{lb_name}`.
    case name(String)
}

extension RuleSelector {
    /// The key of the only rule this selector can match (nil when it selects by name), and the test
    /// a rule must pass, after checking its parameters (400 on bad ones).
    func matcher() throws(APIError) -> (key: ServiceKey?, matches: (LBRule) -> Bool) {
        switch self {
        case .name(let name):
            guard !name.isEmpty else {
                throw .badRequest(field: "lb_name", message: "the rule name is empty; give the name to delete")
            }
            return (nil, { $0.name == name })
        case .service(let externalIP, let port, let portMax, let proto, let hostURL):
            guard let vip = IPAddress(externalIP) else {
                throw .badRequest(
                    field: "ip_address",
                    message: "\"\(externalIP)\" is not an IP address; give the rule's VIP such as 10.0.0.1")
            }
            guard (0...65535).contains(port) else {
                throw .badRequest(field: "port", message: "port \(port) is out of range; use 1 to 65535")
            }
            guard let l4 = L4Protocol(rawValue: proto.lowercased()) else {
                throw .badRequest(
                    field: "proto", message: "\"\(proto)\" is not a protocol; use one of tcp, udp, sctp, icmp")
            }
            let anyHost = hostURL == nil || hostURL == "" || hostURL?.lowercased() == "any"
            // A fullproxy rule's host is part of its key, stored as the validator normalizes it.
            let host = anyHost ? "" : ((try? RuleValidator.proxyHost(hostURL ?? "")) ?? (hostURL ?? ""))
            let key = ServiceKey(vip: vip, port: UInt16(port), proto: l4, host: host)
            // The rule's first port identifies it; a range end, when given, must be the rule's.
            let rangeEnd = portMax.flatMap { $0 == 0 || $0 == port ? nil : $0 }
            return (key, { $0.key == key && (rangeEnd == nil || Int($0.portMax) == rangeEnd) })
        }
    }

    /// How the selector reads in a message.
    var summary: String {
        switch self {
        case .name(let name):
            return "named \"\(name)\""
        case .service(let externalIP, let port, let portMax, let proto, let hostURL):
            let range = portMax.map { $0 == 0 || $0 == port ? "" : "-\($0)" } ?? ""
            let host = hostURL.map { $0.isEmpty || $0.lowercased() == "any" ? "" : " for host \($0)" } ?? ""
            return "for \(externalIP):\(port)\(range)/\(proto.lowercased())\(host)"
        }
    }
}
