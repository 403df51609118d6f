/// loxilb's `EndPoint`: the body of `POST /netlox/v1/config/endpoint`, which makes an endpoint host
/// monitored (or changes how), independently of any rule.
///
/// Field names are loxilb's; decoding is Go-style (case-insensitive keys, unknown keys ignored,
/// missing or `null` fields zero).
public struct EndPointEntry: Codable, Sendable, Hashable {
    /// The host's IP address (required).
    public var hostName: String
    /// The entry's name (its key); "" means "<hostName>_<probeType>_<probePort>".
    public var name: String
    /// Failed probes in a row before the host is inactive; 0 means 2.
    public var inactiveReTries: Int
    /// "ping" (the default), "tcp", "udp", "http", "https" or "none".
    public var probeType: String
    /// HTTP(S): the request path; UDP: the payload.
    public var probeReq: String
    /// HTTP(S): text the body must contain; UDP: text the reply must contain.
    public var probeResp: String
    /// Seconds between probes; 0 means 60.
    public var probeDuration: Int
    /// The port probed (required for tcp and udp; http defaults to 80, https to 443).
    public var probePort: Int

    /// Creates an entry; every field defaults to its Go zero value.
    public init(
        hostName: String = "", name: String = "", inactiveReTries: Int = 0, probeType: String = "",
        probeReq: String = "", probeResp: String = "", probeDuration: Int = 0, probePort: Int = 0
    ) {
        self.hostName = hostName
        self.name = name
        self.inactiveReTries = inactiveReTries
        self.probeType = probeType
        self.probeReq = probeReq
        self.probeResp = probeResp
        self.probeDuration = probeDuration
        self.probePort = probePort
    }

    enum CodingKeys: String, CodingKey {
        case hostName, name, inactiveReTries, probeType, probeReq, probeResp, probeDuration, probePort
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        hostName = try object.decode(.hostName)
        name = try object.decode(.name)
        inactiveReTries = try object.decode(.inactiveReTries)
        probeType = try object.decode(.probeType)
        probeReq = try object.decode(.probeReq)
        probeResp = try object.decode(.probeResp)
        probeDuration = try object.decode(.probeDuration)
        probePort = try object.decode(.probePort)
    }
}

extension EndPointEntry: GoZeroValue {
    static var goZero: EndPointEntry { EndPointEntry() }
}
