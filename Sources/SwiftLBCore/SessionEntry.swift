/// One tunnel end of a loxilb session entry: `{"TeID": 1, "tunnelIP": "..."}`. loxilb spells the
/// TEID key `TeID` for the access network tunnel and `teID` for the core network tunnel; keys are
/// matched case-insensitively (as Go does), and each is written back the way loxilb writes it.
public struct SessionTunnelEntry: Sendable, Hashable {
    /// The TEID.
    public var teid: Int
    /// The tunnel end's address.
    public var tunnelIP: String
    /// How the TEID key is spelled when encoded.
    var teidKey: String = "teID"

    /// Creates a tunnel end.
    public init(teid: Int = 0, tunnelIP: String = "") {
        self.teid = teid
        self.tunnelIP = tunnelIP
    }
}

extension SessionTunnelEntry: Codable {
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<AnyCodingKey>(decoder)
        teid = try object.decode(AnyCodingKey(stringValue: "teID"))
        tunnelIP = try object.decode(AnyCodingKey(stringValue: "tunnelIP"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(teid, forKey: AnyCodingKey(stringValue: teidKey))
        try container.encode(tunnelIP, forKey: AnyCodingKey(stringValue: "tunnelIP"))
    }
}

extension SessionTunnelEntry: GoZeroValue {
    static var goZero: SessionTunnelEntry { SessionTunnelEntry() }
}

/// A loxilb session: the body of `POST /netlox/v1/config/session` and an element of
/// `GET /config/session/all`'s `sessionAttr`.
public struct SessionEntry: Codable, Sendable, Hashable {
    /// The user's name.
    public var ident: String
    /// The UE's address.
    public var sessionIP: String
    /// The gNB's end (`TeID`, `tunnelIP`).
    public var accessNetworkTunnel: SessionTunnelEntry
    /// The UPF's end (`teID`, `tunnelIP`).
    public var coreNetworkTunnel: SessionTunnelEntry
    /// SwiftLB's counters, in GET only: "packets:bytes" of each direction.
    public var uplinkCounter: String?
    /// See `uplinkCounter`.
    public var downlinkCounter: String?

    /// Creates an entry.
    public init(
        ident: String = "", sessionIP: String = "", accessNetworkTunnel: SessionTunnelEntry = .init(),
        coreNetworkTunnel: SessionTunnelEntry = .init()
    ) {
        self.ident = ident
        self.sessionIP = sessionIP
        self.accessNetworkTunnel = accessNetworkTunnel
        self.accessNetworkTunnel.teidKey = "TeID"
        self.coreNetworkTunnel = coreNetworkTunnel
        self.coreNetworkTunnel.teidKey = "teID"
    }

    enum CodingKeys: String, CodingKey {
        case ident, sessionIP, accessNetworkTunnel, coreNetworkTunnel, uplinkCounter, downlinkCounter
    }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        self.init(
            ident: try object.decode(.ident), sessionIP: try object.decode(.sessionIP),
            accessNetworkTunnel: try object.decode(.accessNetworkTunnel),
            coreNetworkTunnel: try object.decode(.coreNetworkTunnel))
        let uplink: String = try object.decode(.uplinkCounter)
        let downlink: String = try object.decode(.downlinkCounter)
        uplinkCounter = uplink.isEmpty ? nil : uplink
        downlinkCounter = downlink.isEmpty ? nil : downlink
    }
}

/// The body of `GET /netlox/v1/config/session/all`: `{"sessionAttr": [...]}`.
public struct SessionList: Codable, Sendable, Hashable {
    /// The sessions.
    public var sessionAttr: [SessionEntry]

    /// Wraps a list.
    public init(sessionAttr: [SessionEntry] = []) { self.sessionAttr = sessionAttr }

    enum CodingKeys: String, CodingKey { case sessionAttr }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        sessionAttr = try GoStyleContainer<CodingKeys>(decoder).decode(.sessionAttr)
    }
}

/// A classifier's arguments: `{"qfi": 9, "ulclIP": "..."}`.
public struct SessionUlClArgument: Codable, Sendable, Hashable {
    /// The QFI.
    public var qfi: Int
    /// The breakout address.
    public var ulclIP: String

    /// Creates arguments.
    public init(qfi: Int = 0, ulclIP: String = "") {
        self.qfi = qfi
        self.ulclIP = ulclIP
    }

    enum CodingKeys: String, CodingKey { case qfi, ulclIP }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        qfi = try object.decode(.qfi)
        ulclIP = try object.decode(.ulclIP)
    }
}

extension SessionUlClArgument: GoZeroValue {
    static var goZero: SessionUlClArgument { SessionUlClArgument() }
}

/// A loxilb uplink classifier: the body of `POST /netlox/v1/config/sessionulcl` and an element of
/// `GET /config/sessionulcl/all`'s `ulclAttr`.
public struct SessionUlClEntry: Codable, Sendable, Hashable {
    /// The session's user name.
    public var ulclIdent: String
    /// QFI and breakout address.
    public var ulclArgument: SessionUlClArgument

    /// Creates an entry.
    public init(ulclIdent: String = "", ulclArgument: SessionUlClArgument = .init()) {
        self.ulclIdent = ulclIdent
        self.ulclArgument = ulclArgument
    }

    enum CodingKeys: String, CodingKey { case ulclIdent, ulclArgument }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        ulclIdent = try object.decode(.ulclIdent)
        ulclArgument = try object.decode(.ulclArgument)
    }
}

/// The body of `GET /netlox/v1/config/sessionulcl/all`: `{"ulclAttr": [...]}`.
public struct SessionUlClList: Codable, Sendable, Hashable {
    /// The classifiers.
    public var ulclAttr: [SessionUlClEntry]

    /// Wraps a list.
    public init(ulclAttr: [SessionUlClEntry] = []) { self.ulclAttr = ulclAttr }

    enum CodingKeys: String, CodingKey { case ulclAttr }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        ulclAttr = try GoStyleContainer<CodingKeys>(decoder).decode(.ulclAttr)
    }
}
