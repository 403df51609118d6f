/// One loxilb QoS policy: the body of `POST /netlox/v1/config/policy` and an element of
/// `GET /config/policy/all`'s `polAttr`. Answers add `policyStats` (SwiftLB's, per colour).
public struct PolicyEntry: Codable, Sendable, Hashable {
    /// The policy's name (its identity: DELETE /config/policy/ident/{ident}).
    public var policyIdent: String
    /// Rates, bucket sizes, type and colour mode.
    public var policyInfo: PolicyInfo
    /// What the policy polices.
    public var targetObject: PolicyTarget
    /// Packets and bytes per colour, in answers only.
    public var policyStats: PolicyStats?

    /// Creates an entry.
    public init(
        policyIdent: String = "", policyInfo: PolicyInfo = .init(), targetObject: PolicyTarget = .init(),
        policyStats: PolicyStats? = nil
    ) {
        self.policyIdent = policyIdent
        self.policyInfo = policyInfo
        self.targetObject = targetObject
        self.policyStats = policyStats
    }

    enum CodingKeys: String, CodingKey {
        case policyIdent, policyInfo, targetObject, policyStats
    }

    /// Decodes Go-style (missing or `null` fields are zero). `policyStats` is read for clients of
    /// the GET answer (nil when absent or all zero); a POST's is ignored by the validator.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        policyIdent = try object.decode(.policyIdent)
        policyInfo = try object.decode(.policyInfo)
        targetObject = try object.decode(.targetObject)
        let stats: PolicyStats = try object.decode(.policyStats)
        policyStats = stats == PolicyStats() ? nil : stats
    }
}

extension PolicyEntry: GoZeroValue {
    static var goZero: PolicyEntry { PolicyEntry() }
}

/// loxilb's `policyInfo`: rates in Mbit/s, bucket sizes in bytes (0 = default).
public struct PolicyInfo: Codable, Sendable, Hashable {
    /// 0 trTCM (two rates), 1 srTCM (one rate).
    public var type: Int
    /// Whether the packet's DSCP pre-colours it.
    public var colorAware: Bool
    /// CIR, Mbit/s.
    public var committedInfoRate: Int
    /// PIR, Mbit/s (trTCM).
    public var peakInfoRate: Int
    /// CBS, bytes.
    public var committedBlkSize: Int
    /// EBS, bytes (the peak bucket of trTCM, the excess bucket of srTCM).
    public var excessBlkSize: Int

    /// Creates policy parameters.
    public init(
        type: Int = 0, colorAware: Bool = false, committedInfoRate: Int = 0, peakInfoRate: Int = 0,
        committedBlkSize: Int = 0, excessBlkSize: Int = 0
    ) {
        self.type = type
        self.colorAware = colorAware
        self.committedInfoRate = committedInfoRate
        self.peakInfoRate = peakInfoRate
        self.committedBlkSize = committedBlkSize
        self.excessBlkSize = excessBlkSize
    }

    enum CodingKeys: String, CodingKey {
        case type, colorAware, committedInfoRate, peakInfoRate, committedBlkSize, excessBlkSize
    }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        type = try object.decode(.type)
        colorAware = try object.decode(.colorAware)
        committedInfoRate = try object.decode(.committedInfoRate)
        peakInfoRate = try object.decode(.peakInfoRate)
        committedBlkSize = try object.decode(.committedBlkSize)
        excessBlkSize = try object.decode(.excessBlkSize)
    }
}

extension PolicyInfo: GoZeroValue {
    static var goZero: PolicyInfo { PolicyInfo() }
}

/// loxilb's `targetObject`: an interface (attachment 1) or LB rules by name (attachment 2).
public struct PolicyTarget: Codable, Sendable, Hashable {
    /// The interface's name, or the LB rules' `serviceArguments.name`.
    public var polObjName: String
    /// 1 port, 2 LB rule.
    public var attachment: Int

    /// Creates a target.
    public init(polObjName: String = "", attachment: Int = 0) {
        self.polObjName = polObjName
        self.attachment = attachment
    }

    enum CodingKeys: String, CodingKey {
        case polObjName, attachment
    }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        polObjName = try object.decode(.polObjName)
        attachment = try object.decode(.attachment)
    }
}

extension PolicyTarget: GoZeroValue {
    static var goZero: PolicyTarget { PolicyTarget() }
}

/// Packets and bytes a policer coloured green (passed), yellow (passed, DSCP marked) and red (dropped).
public struct PolicyStats: Codable, Sendable, Hashable {
    /// Green packets.
    public var greenPackets: UInt64
    /// Green bytes.
    public var greenBytes: UInt64
    /// Yellow packets.
    public var yellowPackets: UInt64
    /// Yellow bytes.
    public var yellowBytes: UInt64
    /// Red (dropped) packets.
    public var redPackets: UInt64
    /// Red (dropped) bytes.
    public var redBytes: UInt64

    /// Creates counters.
    public init(
        greenPackets: UInt64 = 0, greenBytes: UInt64 = 0, yellowPackets: UInt64 = 0, yellowBytes: UInt64 = 0,
        redPackets: UInt64 = 0, redBytes: UInt64 = 0
    ) {
        self.greenPackets = greenPackets
        self.greenBytes = greenBytes
        self.yellowPackets = yellowPackets
        self.yellowBytes = yellowBytes
        self.redPackets = redPackets
        self.redBytes = redBytes
    }

    enum CodingKeys: String, CodingKey {
        case greenPackets, greenBytes, yellowPackets, yellowBytes, redPackets, redBytes
    }

    /// Decodes the counters; a missing one is zero.
    public init(from decoder: any Decoder) throws {
        let object = try decoder.container(keyedBy: CodingKeys.self)
        greenPackets = try object.decodeIfPresent(UInt64.self, forKey: .greenPackets) ?? 0
        greenBytes = try object.decodeIfPresent(UInt64.self, forKey: .greenBytes) ?? 0
        yellowPackets = try object.decodeIfPresent(UInt64.self, forKey: .yellowPackets) ?? 0
        yellowBytes = try object.decodeIfPresent(UInt64.self, forKey: .yellowBytes) ?? 0
        redPackets = try object.decodeIfPresent(UInt64.self, forKey: .redPackets) ?? 0
        redBytes = try object.decodeIfPresent(UInt64.self, forKey: .redBytes) ?? 0
    }
}

extension PolicyStats: GoZeroValue {
    static var goZero: PolicyStats { PolicyStats() }
}

/// The body of `GET /netlox/v1/config/policy/all` and of loxicmd's saved policies: `{"polAttr": [...]}`.
public struct PolicyList: Codable, Sendable, Hashable {
    /// The policies.
    public var polAttr: [PolicyEntry]

    /// Wraps a list of policies.
    public init(polAttr: [PolicyEntry] = []) {
        self.polAttr = polAttr
    }

    enum CodingKeys: String, CodingKey {
        case polAttr
    }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        polAttr = try object.decode(.polAttr)
    }
}
