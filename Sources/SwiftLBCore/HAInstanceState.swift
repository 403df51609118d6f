/// loxilb's `CIStatusEntry`: one cluster instance's HA state (`/config/cistate`). Field names are
/// loxilb's. On POST, `state` asks for a role and `vip` names the instance's floating address
/// (owned by the MASTER besides the rules' VIPs); on GET, `state` is the role now held.
public struct HAInstanceState: Codable, Sendable, Hashable {
    /// The instance ("" means `llb-inst0`).
    public var instance: String
    /// "MASTER", "BACKUP" or (GET only) "NOT_DEFINED".
    public var state: String
    /// The instance's floating address, "" or "0.0.0.0" for none.
    public var vip: String

    public init(instance: String = "", state: String = "", vip: String = "") {
        self.instance = instance
        self.state = state
        self.vip = vip
    }

    enum CodingKeys: String, CodingKey {
        case instance, state, vip
    }

    /// Decodes Go-style: keys case-insensitive, unknown keys ignored, missing or `null` fields zero.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        instance = try object.decode(.instance)
        state = try object.decode(.state)
        vip = try object.decode(.vip)
    }

    /// loxilb's default instance, which rules without a `:<instance>` name suffix belong to.
    public static let defaultInstance = "llb-inst0"

    /// The instance a rule named `name` belongs to: loxilb's suffix after the first colon.
    public static func instance(ofRuleNamed name: String) -> String {
        guard let colon = name.firstIndex(of: ":") else { return defaultInstance }
        let suffix = name[name.index(after: colon)...].split(separator: ":").first.map(String.init) ?? ""
        return suffix.isEmpty ? defaultInstance : suffix
    }

    /// The floating address, nil for none.
    public var address: IPAddress? {
        guard let address = IPAddress(vip), !address.isUnspecified else { return nil }
        return address
    }

    /// Validates a POST and fills in the default instance; 400 naming the field otherwise.
    public func validated() throws(APIError) -> HAInstanceState {
        var normalized = self
        normalized.instance = instance.isEmpty ? Self.defaultInstance : instance
        guard normalized.instance.utf8.count <= 63,
            normalized.instance.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw .badRequest(
                field: "instance",
                message: "instance \"\(instance)\" must be 1-63 letters, digits, '-', '_' or '.' (default llb-inst0)")
        }
        switch state {
        case "MASTER", "BACKUP": break
        default:
            throw .badRequest(
                field: "state",
                message: state.isEmpty
                    ? "state is required: MASTER or BACKUP"
                    : "state \"\(state)\" is not MASTER or BACKUP (upper case, as loxilb spells them)")
        }
        if !vip.isEmpty, IPAddress(vip) == nil {
            throw .badRequest(field: "vip", message: "vip \"\(vip)\" is not an IP address")
        }
        if let address = IPAddress(vip), address.isUnspecified {
            normalized.vip = ""
        }
        return normalized
    }
}

/// `GET /config/cistate/all`'s body: loxilb's `{"Attr": [...]}`.
public struct HAInstanceList: Codable, Sendable, Hashable {
    public var instances: [HAInstanceState]

    public init(instances: [HAInstanceState]) {
        self.instances = instances
    }

    enum CodingKeys: String, CodingKey {
        case instances = "Attr"
    }

    /// Decodes Go-style (a missing or `null` list is empty).
    public init(from decoder: any Decoder) throws {
        instances = try GoStyleContainer<CodingKeys>(decoder).decode(.instances)
    }
}

/// What the REST API may ask of HA. A change is validated and persisted before it returns; a
/// failed call changes nothing.
public protocol HAControl: Sendable {
    /// Sets an instance's role (and floating address).
    func set(_ request: HAInstanceState) async throws(APIError)
    /// Every instance with the role it holds now, sorted by name.
    func states() async -> [HAInstanceState]
    /// The roles and the sync link's counters, for `/metrics`.
    func metrics() async -> HAMetrics
}

/// Durable storage of the instances' requested states: SQLite in production, in memory in tests.
public protocol HAConfigStore: Sendable {
    func loadHA() async throws(ConfigStoreError) -> [HAInstanceState]
    /// Inserts the instance or replaces the one with the same name.
    func saveHA(_ state: HAInstanceState) async throws(ConfigStoreError)
}

/// An `HAConfigStore` in memory, with an optional injected failure (tests).
public actor InMemoryHAConfigStore: HAConfigStore {
    private var stored: [String: HAInstanceState] = [:]
    public private(set) var failure: ConfigStoreError?

    public init() {}

    public func setFailure(_ error: ConfigStoreError?) { failure = error }

    public func loadHA() throws(ConfigStoreError) -> [HAInstanceState] {
        stored.values.sorted { $0.instance < $1.instance }
    }

    public func saveHA(_ state: HAInstanceState) throws(ConfigStoreError) {
        if let failure { throw failure }
        stored[state.instance] = state
    }
}
