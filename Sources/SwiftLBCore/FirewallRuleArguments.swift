/// loxilb's firewall match (`ruleArguments` of `POST /netlox/v1/config/firewall`).
///
/// Field names are loxilb's; decoding is Go-style. A port pair of 0/0 matches every port, protocol 0
/// every protocol, an empty `portName` every interface. Every field, `preference` included, is part
/// of the rule's identity, as in loxilb.
public struct FirewallRuleArguments: Codable, Sendable, Hashable {
    /// Source prefix in CIDR notation; "" means any address of the other prefix's family.
    public var sourceIP: String
    /// Destination prefix in CIDR notation; "" means any.
    public var destinationIP: String
    /// Lowest source port matched.
    public var minSourcePort: Int
    /// Highest source port matched.
    public var maxSourcePort: Int
    /// Lowest destination port matched.
    public var minDestinationPort: Int
    /// Highest destination port matched.
    public var maxDestinationPort: Int
    /// IP protocol number; 0 matches every protocol.
    public var `protocol`: Int
    /// The interface a packet arrives on; "" matches every interface.
    public var portName: String
    /// Order among matching rules: the highest preference wins, as in loxilb.
    public var preference: Int

    /// Creates a match; every field defaults to its Go zero value.
    public init(
        sourceIP: String = "", destinationIP: String = "", minSourcePort: Int = 0, maxSourcePort: Int = 0,
        minDestinationPort: Int = 0, maxDestinationPort: Int = 0, protocol: Int = 0, portName: String = "",
        preference: Int = 0
    ) {
        self.sourceIP = sourceIP
        self.destinationIP = destinationIP
        self.minSourcePort = minSourcePort
        self.maxSourcePort = maxSourcePort
        self.minDestinationPort = minDestinationPort
        self.maxDestinationPort = maxDestinationPort
        self.protocol = `protocol`
        self.portName = portName
        self.preference = preference
    }

    enum CodingKeys: String, CodingKey {
        case sourceIP, destinationIP, minSourcePort, maxSourcePort, minDestinationPort, maxDestinationPort
        case `protocol`, portName, preference
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        sourceIP = try object.decode(.sourceIP)
        destinationIP = try object.decode(.destinationIP)
        minSourcePort = try object.decode(.minSourcePort)
        maxSourcePort = try object.decode(.maxSourcePort)
        minDestinationPort = try object.decode(.minDestinationPort)
        maxDestinationPort = try object.decode(.maxDestinationPort)
        `protocol` = try object.decode(.protocol)
        portName = try object.decode(.portName)
        preference = try object.decode(.preference)
    }
}

extension FirewallRuleArguments: GoZeroValue {
    static var goZero: FirewallRuleArguments { FirewallRuleArguments() }
}
