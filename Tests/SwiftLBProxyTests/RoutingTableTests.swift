import SwiftLBCore
import Testing

@testable import SwiftLBProxy

/// Which route a request takes among the rules of one listener.
@Suite struct RoutingTableTests {
    static let vip = IPAddress("10.0.0.1")!

    static func route(_ host: String, _ path: String = "", endpoint: String = "10.1.0.1") -> ProxyRoute {
        ProxyRoute(
            ruleKey: ServiceKey(vip: vip, port: 80, proto: .tcp, host: host + path), host: host, pathPrefix: path,
            endpoints: [ProxyEndpoint(address: IPAddress(endpoint)!, port: 8080)], selection: .roundRobin,
            proxyProtocol: false, security: 0)
    }

    static let table = RoutingTable(routes: [
        route(""), route("a.example.com"), route("*.example.com"), route("a.example.com", "/api"),
        route("a.example.com", "/api/v2"),
    ])

    @Test(arguments: [
        ("a.example.com", "/", "a.example.com"),
        ("A.Example.COM:8080", "/index.html", "a.example.com"),
        ("a.example.com.", "/", "a.example.com"),
        ("a.example.com", "/api", "a.example.com/api"),
        ("a.example.com", "/api/users?x=1", "a.example.com/api"),
        ("a.example.com", "/api?x=1", "a.example.com/api"),
        ("a.example.com", "/apix", "a.example.com"),
        ("a.example.com", "/api/v2/x", "a.example.com/api/v2"),
        ("b.example.com", "/api", "*.example.com"),
        ("example.com", "/", ""),
        ("other.org", "/", ""),
    ])
    func mostSpecificRouteWins(host: String, path: String, expected: String) throws {
        let route = try #require(Self.table.route(host: host, path: path))
        #expect(route.ruleKey.host == expected)
    }

    @Test func noHostHeaderTakesTheHostlessRoute() throws {
        #expect(Self.table.route(host: nil, path: "/")?.ruleKey.host == "")
        let hostOnly = RoutingTable(routes: [Self.route("a.example.com")])
        #expect(hostOnly.route(host: nil, path: "/") == nil)
        #expect(hostOnly.route(host: "b.example.com", path: "/") == nil)
    }

    @Test func serverNameIgnoresPaths() throws {
        let table = RoutingTable(routes: [Self.route("a.example.com", "/api"), Self.route("b.example.com")])
        #expect(table.route(serverName: "A.example.com")?.ruleKey.host == "a.example.com/api")
        #expect(table.route(serverName: "c.example.com") == nil)
    }

    @Test func httpIsParsedOnlyWhenARouteNeedsIt() {
        #expect(!RoutingTable(routes: [Self.route("")]).needsHTTP)
        #expect(RoutingTable(routes: [Self.route("a.example.com")]).needsHTTP)
        #expect(RoutingTable(routes: [Self.route("", "/api")]).needsHTTP)
        var tls = Self.route("")
        tls.security = 1
        #expect(RoutingTable(routes: [tls]).needsHTTP)
    }

    @Test func wildcardNeedsALabel() {
        let table = RoutingTable(routes: [Self.route("*.example.com")])
        #expect(table.route(host: "example.com", path: "/") == nil)
        #expect(table.route(host: ".example.com", path: "/") == nil)
        #expect(table.route(host: "x.y.example.com", path: "/") != nil)
    }
}
