/// The routes of one listener (VIP and port) and the choice among them for a request.
///
/// The most specific route wins: an exact host before a wildcard host before the host-less route,
/// and within a host the longest matching path prefix.
public struct RoutingTable: Hashable, Sendable {
    public private(set) var routes: [ProxyRoute]

    public init(routes: [ProxyRoute]) {
        self.routes = routes.sorted { (Self.rank($0), $1.ruleKey) > (Self.rank($1), $0.ruleKey) }
    }

    /// The listener's security (every route on a listener has the same; RuleTable enforces it).
    public var security: Int { routes.first?.security ?? 0 }

    /// True when the listener must parse HTTP: TLS is terminated or a route needs a Host or path.
    /// Otherwise the proxy relays the TCP stream as it is.
    public var needsHTTP: Bool {
        security != 0 || routes.contains { !$0.host.isEmpty || !$0.pathPrefix.isEmpty }
    }

    /// The route for `host` (any case, with or without ":port") and `path`, nil when none takes it.
    public func route(host: String?, path: String) -> ProxyRoute? {
        let name = Self.normalize(host ?? "")
        return routes.first { $0.matches(host: name) && $0.matches(path: path) }
    }

    /// The route for a TLS server name or a stream without HTTP: the best one for the host, any path.
    public func route(serverName: String?) -> ProxyRoute? {
        let name = Self.normalize(serverName ?? "")
        return routes.first { $0.matches(host: name) }
    }

    /// Lower-cases and strips a port and a trailing dot: "Example.COM:8443." → "example.com".
    static func normalize(_ host: String) -> String {
        var name = Substring(host.lowercased())
        if name.hasPrefix("[") {
            if let close = name.firstIndex(of: "]") { name = name[...close] }
        } else if let colon = name.lastIndex(of: ":") {
            name = name[..<colon]
        }
        if name.hasSuffix(".") { name = name.dropLast() }
        return String(name)
    }

    // Exact hosts rank above wildcards above "any"; then longer path prefixes first.
    private static func rank(_ route: ProxyRoute) -> Int {
        let hostRank = route.host.isEmpty ? 0 : (route.host.hasPrefix("*.") ? 1 : 2)
        return hostRank * 1_000_000 + route.pathPrefix.count
    }
}
