/// loxilb's `EndPointHostState`: the body of `POST /netlox/v1/config/endpointhoststate`, by which an
/// outside controller marks a host up ("green") or down ("red"), optionally for one port and protocol.
public struct EndPointHostState: Codable, Sendable, Hashable {
    /// The host's IP address (required).
    public var hostName: String
    /// The endpoint port the state applies to; 0 means every port.
    public var epPort: Int
    /// The protocol the state applies to ("tcp", "udp", ...); "" means every protocol.
    public var epProto: String
    /// "green" (up), "yellow" (degraded, still selected) or "red" (down).
    public var state: String

    /// Creates a host state; every field defaults to its Go zero value.
    public init(hostName: String = "", epPort: Int = 0, epProto: String = "", state: String = "") {
        self.hostName = hostName
        self.epPort = epPort
        self.epProto = epProto
        self.state = state
    }

    enum CodingKeys: String, CodingKey {
        case hostName, epPort, epProto, state
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        hostName = try object.decode(.hostName)
        epPort = try object.decode(.epPort)
        epProto = try object.decode(.epProto)
        state = try object.decode(.state)
    }
}
