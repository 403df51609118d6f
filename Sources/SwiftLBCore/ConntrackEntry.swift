/// One live connection as loxilb reports it in `GET /netlox/v1/config/conntrack/all`.
public struct ConntrackEntry: Codable, Sendable, Hashable {
    /// The service address the client connected to.
    public var destinationIP: String
    /// The client's address.
    public var sourceIP: String
    /// The service port.
    public var destinationPort: Int
    /// The client's port.
    public var sourcePort: Int
    /// "tcp", "udp", "sctp" or "icmp".
    public var `protocol`: String
    /// Connection state, e.g. "est".
    public var conntrackState: String
    /// loxilb's connection identifier.
    public var ident: String
    /// What the datapath does to the connection, e.g. "dnat-10.0.1.1:8080".
    public var conntrackAct: String
    /// Packets in both directions.
    public var packets: Int
    /// Bytes in both directions.
    public var bytes: Int
    /// Name of the rule that owns the connection.
    public var servName: String

    /// Creates an entry; every field defaults to its Go zero value.
    public init(
        destinationIP: String = "", sourceIP: String = "", destinationPort: Int = 0, sourcePort: Int = 0,
        protocol: String = "", conntrackState: String = "", ident: String = "", conntrackAct: String = "",
        packets: Int = 0, bytes: Int = 0, servName: String = ""
    ) {
        self.destinationIP = destinationIP
        self.sourceIP = sourceIP
        self.destinationPort = destinationPort
        self.sourcePort = sourcePort
        self.protocol = `protocol`
        self.conntrackState = conntrackState
        self.ident = ident
        self.conntrackAct = conntrackAct
        self.packets = packets
        self.bytes = bytes
        self.servName = servName
    }

    enum CodingKeys: String, CodingKey {
        case destinationIP, sourceIP, destinationPort, sourcePort, `protocol`, conntrackState, ident, conntrackAct
        case packets, bytes, servName
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        destinationIP = try object.decode(.destinationIP)
        sourceIP = try object.decode(.sourceIP)
        destinationPort = try object.decode(.destinationPort)
        sourcePort = try object.decode(.sourcePort)
        `protocol` = try object.decode(.protocol)
        conntrackState = try object.decode(.conntrackState)
        ident = try object.decode(.ident)
        conntrackAct = try object.decode(.conntrackAct)
        packets = try object.decode(.packets)
        bytes = try object.decode(.bytes)
        servName = try object.decode(.servName)
    }
}

extension ConntrackEntry: GoZeroValue {
    static var goZero: ConntrackEntry { ConntrackEntry() }
}
