/// Validation of what a rule matches besides its VIP: port ranges, secondary VIPs and the
/// source allow-list.
extension RuleValidator {
    /// The widest port range one rule may cover. Each port takes one entry of the datapath's
    /// service match table (`Limits.maxServiceKeys` in all).
    public static let maxPortRange = 4096
    /// The most secondary VIPs one rule may have.
    public static let maxSecondaryIPs = 4
    /// The most allowed source prefixes one rule may have.
    public static let maxAllowedSources = 64

    /// The first port and the range end (0 for a single port, as loxilb sends it).
    static func servicePorts(_ port: Int, portMax: Int) throws(APIError) -> (UInt16, UInt16) {
        guard (1...65535).contains(port) else {
            throw .badRequest(
                field: "serviceArguments.port", message: "serviceArguments.port \(port) is out of range; use 1 to 65535"
            )
        }
        let field = "serviceArguments.portMax"
        if portMax == 0 || portMax == port { return (UInt16(port), 0) }
        guard portMax > port, portMax <= 65535 else {
            throw .badRequest(
                field: field,
                message: "\(field) \(portMax) must be above port \(port) and at most 65535; set it to 0 for a single "
                    + "port")
        }
        guard portMax - port + 1 <= maxPortRange else {
            throw .badRequest(
                field: field,
                message: "the port range \(port)-\(portMax) spans \(portMax - port + 1) ports; one rule covers at "
                    + "most \(maxPortRange), so split it into several rules")
        }
        return (UInt16(port), UInt16(portMax))
    }

    /// Secondary VIPs: addresses of the primary's family, distinct from it and each other; sorted.
    static func secondaryAddresses(_ entries: [SecondaryIP], primary: IPAddress) throws(APIError) -> [IPAddress] {
        guard entries.count <= maxSecondaryIPs else {
            throw .badRequest(
                field: "secondaryIPs",
                message: "\(entries.count) secondary IPs given; a rule has at most \(maxSecondaryIPs)")
        }
        var seen: Set<IPAddress> = [primary]
        for (index, entry) in entries.enumerated() {
            let field = "secondaryIPs[\(index)].secondaryIP"
            guard let address = IPAddress(entry.secondaryIP) else {
                throw .badRequest(field: field, message: "\(field) \"\(entry.secondaryIP)\" is not an IP address")
            }
            guard address.isV4 == primary.isV4 else {
                throw .badRequest(
                    field: field,
                    message: "\(field) \(address) is not of the same family as externalIP \(primary); use an "
                        + (primary.isV4 ? "IPv4" : "IPv6") + " address")
            }
            if let problem = unusableReason(address, allowLoopback: false) {
                throw .badRequest(field: field, message: "\(field) \(address) is \(problem); use a unicast address")
            }
            guard seen.insert(address).inserted else {
                throw .badRequest(
                    field: field, message: "\(field) \(address) repeats the VIP or another secondary IP; list it once")
            }
        }
        return seen.subtracting([primary]).sorted()
    }

    /// Allowed source prefixes, normalized (host bits cleared), duplicates merged, sorted.
    static func sourcePrefixes(_ entries: [AllowedSource]) throws(APIError) -> [IPPrefix] {
        guard entries.count <= maxAllowedSources else {
            throw .badRequest(
                field: "allowedSources",
                message: "\(entries.count) allowed sources given; a rule has at most \(maxAllowedSources)")
        }
        var prefixes: Set<IPPrefix> = []
        for (index, entry) in entries.enumerated() {
            let field = "allowedSources[\(index)].prefix"
            guard let prefix = IPPrefix(entry.prefix) else {
                throw .badRequest(
                    field: field,
                    message: "\(field) \"\(entry.prefix)\" is not a prefix; use CIDR notation such as 10.0.0.0/8, "
                        + "fd00::/64 or a single address")
            }
            prefixes.insert(prefix)
        }
        return prefixes.sorted()
    }
}
