/// One loxilb firewall rule: the body of `POST /netlox/v1/config/firewall` and an element of
/// `GET /config/firewall/all`'s `fwAttr`.
public struct FirewallEntry: Codable, Sendable, Hashable {
    /// What the rule matches.
    public var ruleArguments: FirewallRuleArguments
    /// What it does.
    public var opts: FirewallOptions

    /// Creates an entry.
    public init(ruleArguments: FirewallRuleArguments = .init(), opts: FirewallOptions = .init()) {
        self.ruleArguments = ruleArguments
        self.opts = opts
    }

    enum CodingKeys: String, CodingKey {
        case ruleArguments, opts
    }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        ruleArguments = try object.decode(.ruleArguments)
        opts = try object.decode(.opts)
    }
}

extension FirewallEntry: GoZeroValue {
    static var goZero: FirewallEntry { FirewallEntry() }
}

/// The body of `GET /netlox/v1/config/firewall/all` and of loxicmd's `FWconfig.txt`: `{"fwAttr": [...]}`.
public struct FirewallList: Codable, Sendable, Hashable {
    /// The rules.
    public var fwAttr: [FirewallEntry]

    /// Wraps a list of rules.
    public init(fwAttr: [FirewallEntry] = []) {
        self.fwAttr = fwAttr
    }

    enum CodingKeys: String, CodingKey {
        case fwAttr
    }

    /// Decodes Go-style.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        fwAttr = try object.decode(.fwAttr)
    }
}
