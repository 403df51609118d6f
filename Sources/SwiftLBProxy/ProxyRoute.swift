import SwiftLBCore

/// One fullproxy rule as the proxy serves it: which requests it takes (host and path prefix) and
/// where they go.
public struct ProxyRoute: Hashable, Sendable {
    /// The rule's key (its host included): names the rule in metrics and logs.
    public var ruleKey: ServiceKey
    /// Lower-cased host name, "*.example.com" for a wildcard, "" for any host.
    public var host: String
    /// Path prefix ("/api"), "" for every path.
    public var pathPrefix: String
    public var endpoints: [ProxyEndpoint]
    public var selection: SelectionAlgorithm
    /// Send a PROXY protocol v2 header to endpoints.
    public var proxyProtocol: Bool
    /// 0 plain, 1 https (terminate), 2 e2ehttps (terminate and re-encrypt).
    public var security: Int

    public init(
        ruleKey: ServiceKey, host: String, pathPrefix: String, endpoints: [ProxyEndpoint],
        selection: SelectionAlgorithm, proxyProtocol: Bool, security: Int
    ) {
        self.ruleKey = ruleKey
        self.host = host
        self.pathPrefix = pathPrefix
        self.endpoints = endpoints
        self.selection = selection
        self.proxyProtocol = proxyProtocol
        self.security = security
    }

    /// The route of a validated fullproxy rule (health applied to its endpoints).
    public init(rule: LBRule) {
        let text = rule.key.host
        let slash = text.firstIndex(of: "/") ?? text.endIndex
        self.init(
            ruleKey: rule.key, host: String(text[..<slash]), pathPrefix: String(text[slash...]),
            endpoints: rule.endpoints.map {
                ProxyEndpoint(address: $0.address, port: $0.port, weight: $0.weight, active: $0.active)
            },
            selection: rule.selection, proxyProtocol: rule.entry.serviceArguments.proxyprotocolv2,
            security: rule.entry.serviceArguments.security)
    }

    /// True when the route takes requests for `host` (lower-cased, without port).
    func matches(host requested: String) -> Bool {
        if host.isEmpty { return true }
        if host.hasPrefix("*.") { return requested.hasSuffix(host.dropFirst()) && requested.count > host.count - 1 }
        return host == requested
    }

    /// True when `path` starts with the prefix at a segment boundary ("/api" takes "/api", "/api/x",
    /// "/api?q", not "/apix").
    func matches(path: String) -> Bool {
        guard !pathPrefix.isEmpty else { return true }
        guard path.hasPrefix(pathPrefix) else { return false }
        if pathPrefix.hasSuffix("/") { return true }
        let rest = path.dropFirst(pathPrefix.count)
        return rest.isEmpty || rest.hasPrefix("/") || rest.hasPrefix("?")
    }
}
