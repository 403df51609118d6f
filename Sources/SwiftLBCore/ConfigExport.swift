/// loxilb's configuration file (`GET /config/export`, `POST /config/import`): its load-balancer
/// rules, with the time and version of the export.
///
/// loxilb's file also has `cluster`, `endpoint`, `firewall`, `mirror` and `policy`; SwiftLB
/// writes `endpoint`, `firewall` (counters cleared) and the empty lists of what it does not have,
/// and reads `loadbalancer` only (firewall rules go back with `apply --firewall` or the API).
public struct ConfigExport: Codable, Sendable, Equatable {
    public var timestamp: String
    public var version: String
    public var loadbalancer: [LoadBalancerEntry]
    public var endpoint: [EndPointEntry]
    /// Firewall rules (written, not read).
    public var firewall: [FirewallEntry] = []
    /// False when a decoded file had no `loadbalancer` key: an empty or cut upload, which an import
    /// must refuse rather than read as "delete every rule".
    public var hasLoadBalancerKey = true

    public init(timestamp: String, version: String, loadbalancer: [LoadBalancerEntry], endpoint: [EndPointEntry]) {
        self.timestamp = timestamp
        self.version = version
        self.loadbalancer = loadbalancer
        self.endpoint = endpoint
    }

    enum CodingKeys: String, CodingKey {
        case timestamp, version, loadbalancer, endpoint, cluster, firewall, mirror, policy
    }

    /// Go-style: missing keys and `null` read as empty, as loxilb reads its own files.
    public init(from decoder: any Decoder) throws {
        let object = try GoStyleContainer<CodingKeys>(decoder)
        let keys = (try? decoder.container(keyedBy: AnyCodingKey.self))?.allKeys ?? []
        hasLoadBalancerKey = keys.contains { $0.stringValue.lowercased() == "loadbalancer" }
        timestamp = try object.decode(.timestamp)
        version = try object.decode(.version)
        loadbalancer = try object.decode(.loadbalancer)
        endpoint = try object.decode(.endpoint)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(version, forKey: .version)
        try container.encode(loadbalancer, forKey: .loadbalancer)
        try container.encode(endpoint, forKey: .endpoint)
        try container.encode(firewall, forKey: .firewall)
        for empty in [CodingKeys.cluster, .mirror, .policy] {
            try container.encode([String](), forKey: empty)
        }
    }
}
