import SwiftLBCore
import Testing

@testable import SwiftLBProxy

/// Endpoint choice per algorithm, with the prober's verdicts applied.
@Suite struct EndpointSelectorTests {
    static func endpoint(_ last: Int, weight: UInt16 = 1, active: Bool = true) -> ProxyEndpoint {
        ProxyEndpoint(address: IPAddress("10.1.0.\(last)")!, port: 80, weight: weight, active: active)
    }

    static func route(_ selection: SelectionAlgorithm, _ endpoints: [ProxyEndpoint]) -> ProxyRoute {
        ProxyRoute(
            ruleKey: ServiceKey(vip: IPAddress("10.0.0.1")!, port: 80, proto: .tcp), host: "", pathPrefix: "",
            endpoints: endpoints, selection: selection, proxyProtocol: false, security: 0)
    }

    static func picks(_ selector: EndpointSelector, _ route: ProxyRoute, _ count: Int, client: String = "192.0.2.1")
        -> [Int]
    {
        (0..<count).map { index in
            let chosen = selector.pick(route, client: IPAddress(client), clientPort: UInt16(40000 + index))
            return chosen.map { Int($0.address.description.split(separator: ".").last!)! } ?? -1
        }
    }

    @Test func roundRobinFollowsWeightsAndSkipsDownEndpoints() {
        let route = Self.route(
            .roundRobin, [Self.endpoint(1, weight: 2), Self.endpoint(2, active: false), Self.endpoint(3)])
        #expect(Self.picks(EndpointSelector(), route, 6) == [1, 1, 3, 1, 1, 3])
    }

    @Test func noActiveEndpointPicksNothing() {
        let route = Self.route(.roundRobin, [Self.endpoint(1, active: false)])
        #expect(EndpointSelector().pick(route, client: nil, clientPort: 0) == nil)
    }

    @Test func leastConnectionsTakesTheLeastLoaded() {
        let selector = EndpointSelector()
        let route = Self.route(.leastConnections, [Self.endpoint(1), Self.endpoint(2), Self.endpoint(3)])
        let first = Self.picks(selector, route, 3)
        #expect(Set(first) == [1, 2, 3])
        selector.release(route, Self.endpoint(2))
        #expect(Self.picks(selector, route, 1) == [2])
        #expect(selector.openConnections(route, Self.endpoint(2)) == 1)
    }

    @Test func persistKeepsAClientOnItsEndpointWhileItIsUp() {
        let selector = EndpointSelector()
        var route = Self.route(.persist, [Self.endpoint(1), Self.endpoint(2)])
        let first = Self.picks(selector, route, 4, client: "192.0.2.9")
        #expect(Set(first).count == 1)
        #expect(Self.picks(selector, route, 1, client: "192.0.2.10") != first.prefix(1).map { $0 })
        let sticky = first[0]
        route.endpoints = route.endpoints.map { endpoint in
            var endpoint = endpoint
            endpoint.active = !endpoint.address.description.hasSuffix(".\(sticky)")
            return endpoint
        }
        #expect(Self.picks(selector, route, 2, client: "192.0.2.9") == [3 - sticky, 3 - sticky])
    }

    @Test func hashIsStablePerClientAndPort() {
        let route = Self.route(.hash, (1...4).map { Self.endpoint($0) })
        let one = EndpointSelector().pick(route, client: IPAddress("192.0.2.1"), clientPort: 5000)
        let two = EndpointSelector().pick(route, client: IPAddress("192.0.2.1"), clientPort: 5000)
        #expect(one == two)
        let spread = Set(
            (0..<64).compactMap {
                EndpointSelector().pick(route, client: IPAddress("192.0.2.\($0)"), clientPort: 5000)
            })
        #expect(spread.count > 1)
    }

    @Test func priorityTakesTheHeaviestActiveEndpoint() {
        let route = Self.route(
            .priority,
            [Self.endpoint(1, weight: 5), Self.endpoint(2, weight: 9, active: false), Self.endpoint(3, weight: 2)])
        #expect(Self.picks(EndpointSelector(), route, 3) == [1, 1, 1])
    }
}
