/// loxilb's `EndPointGetEntry`: one item of `GET /netlox/v1/config/endpoint/all`, a monitored host with
/// its probe settings, its state ("ok" or "nok") and the probe delays measured.
public struct EndPointGetEntry: Codable, Sendable, Hashable {
    /// The host's IP address.
    public var hostName: String
    /// The entry's key (its name, or "<host>_<probetype>_<port>").
    public var name: String
    /// A description: "" for API-created hosts, the rules using it otherwise.
    public var description: String
    /// Failed probes in a row before the host is inactive.
    public var inactiveReTries: Int
    /// The probe type ("none" when not probed).
    public var probeType: String
    /// The probe request.
    public var probeReq: String
    /// The expected probe response.
    public var probeResp: String
    /// Seconds between probes.
    public var probeDuration: Int
    /// The port probed.
    public var probePort: Int
    /// Shortest successful probe ("0s" before the first).
    public var minDelay: String
    /// Mean successful probe.
    public var avgDelay: String
    /// Longest successful probe.
    public var maxDelay: String
    /// "ok" or "nok".
    public var currState: String

    /// Creates an entry.
    public init(
        hostName: String = "", name: String = "", description: String = "", inactiveReTries: Int = 0,
        probeType: String = "", probeReq: String = "", probeResp: String = "", probeDuration: Int = 0,
        probePort: Int = 0, minDelay: String = "", avgDelay: String = "", maxDelay: String = "",
        currState: String = ""
    ) {
        self.hostName = hostName
        self.name = name
        self.description = description
        self.inactiveReTries = inactiveReTries
        self.probeType = probeType
        self.probeReq = probeReq
        self.probeResp = probeResp
        self.probeDuration = probeDuration
        self.probePort = probePort
        self.minDelay = minDelay
        self.avgDelay = avgDelay
        self.maxDelay = maxDelay
        self.currState = currState
    }

    enum CodingKeys: String, CodingKey {
        case hostName, name, description, inactiveReTries, probeType, probeReq, probeResp, probeDuration
        case probePort, minDelay, avgDelay, maxDelay, currState
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        hostName = try object.decode(.hostName)
        name = try object.decode(.name)
        description = try object.decode(.description)
        inactiveReTries = try object.decode(.inactiveReTries)
        probeType = try object.decode(.probeType)
        probeReq = try object.decode(.probeReq)
        probeResp = try object.decode(.probeResp)
        probeDuration = try object.decode(.probeDuration)
        probePort = try object.decode(.probePort)
        minDelay = try object.decode(.minDelay)
        avgDelay = try object.decode(.avgDelay)
        maxDelay = try object.decode(.maxDelay)
        currState = try object.decode(.currState)
    }
}

extension EndPointGetEntry: GoZeroValue {
    static var goZero: EndPointGetEntry { EndPointGetEntry() }
}

/// The body of `GET /netlox/v1/config/endpoint/all`: `{"Attr": [...]}` as loxilb sends it.
public struct EndPointList: Codable, Sendable, Hashable {
    /// The monitored hosts, sorted by host then name.
    public var Attr: [EndPointGetEntry]

    /// Creates a list.
    public init(Attr: [EndPointGetEntry]) {
        self.Attr = Attr
    }

    enum CodingKeys: String, CodingKey {
        case Attr
    }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        Attr = try object.decode(.Attr)
    }
}
