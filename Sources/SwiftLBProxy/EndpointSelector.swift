import SwiftLBCore
import Synchronization

/// Picks the endpoint of a new proxied connection with the rule's algorithm, among the endpoints
/// the prober has not marked down, and counts open connections per endpoint (for `lc`).
///
/// State survives route swaps: it is keyed by rule and endpoint, not held by a routing table.
/// `persist` remembers at most `maxPersistEntries` clients per rule, forgetting the oldest half
/// when full.
public final class EndpointSelector: Sendable {
    public static let maxPersistEntries = 65_536

    private struct State {
        var cursors: [ServiceKey: UInt64] = [:]
        var open: [ServiceKey: [ProxyEndpoint: Int]] = [:]
        var persisted: [ServiceKey: [IPAddress: (endpoint: ProxyEndpoint, order: UInt64)]] = [:]
        var order: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The endpoint for a connection from `client`, nil when no endpoint is active. The caller must
    /// `release` it when the connection to it closes.
    public func pick(_ route: ProxyRoute, client: IPAddress?, clientPort: UInt16) -> ProxyEndpoint? {
        let active = route.endpoints.filter { $0.active && $0.weight > 0 }
        guard !active.isEmpty else { return nil }
        return state.withLock { state -> ProxyEndpoint in
            let chosen = Self.choose(route, among: active, client: client, clientPort: clientPort, state: &state)
            state.open[route.ruleKey, default: [:]][chosen, default: 0] += 1
            return chosen
        }
    }

    /// Notes that a connection to `endpoint` chosen for `route` closed.
    public func release(_ route: ProxyRoute, _ endpoint: ProxyEndpoint) {
        state.withLock { state in
            guard let count = state.open[route.ruleKey]?[endpoint] else { return }
            state.open[route.ruleKey]?[endpoint] = count > 1 ? count - 1 : nil
        }
    }

    /// Open connections to `endpoint` through `route` now.
    public func openConnections(_ route: ProxyRoute, _ endpoint: ProxyEndpoint) -> Int {
        state.withLock { $0.open[route.ruleKey]?[endpoint] ?? 0 }
    }

    private static func choose(
        _ route: ProxyRoute, among active: [ProxyEndpoint], client: IPAddress?, clientPort: UInt16,
        state: inout State
    ) -> ProxyEndpoint {
        switch route.selection {
        case .hash, .n2, .n3:
            let key = fnv1a((client.map { "\($0)" } ?? "") + ":\(clientPort)")
            return weighted(active, at: key)
        case .priority:
            return active.max { ($0.weight, $1.address) < ($1.weight, $0.address) } ?? active[0]
        case .leastConnections:
            let open = state.open[route.ruleKey] ?? [:]
            // Fewest open connections per unit of weight; ties go round the list.
            let cursor = state.cursors[route.ruleKey, default: 0]
            state.cursors[route.ruleKey] = cursor &+ 1
            let rotated = (0..<active.count).map { active[(Int(cursor % UInt64(active.count)) + $0) % active.count] }
            return rotated.min { Double(open[$0] ?? 0) / Double($0.weight) < Double(open[$1] ?? 0) / Double($1.weight) }
                ?? active[0]
        case .persist:
            if let client, let known = state.persisted[route.ruleKey]?[client], active.contains(known.endpoint) {
                return known.endpoint
            }
            let chosen = roundRobin(route, active, &state)
            if let client { remember(client, chosen, route.ruleKey, &state) }
            return chosen
        case .roundRobin:
            return roundRobin(route, active, &state)
        }
    }

    private static func roundRobin(_ route: ProxyRoute, _ active: [ProxyEndpoint], _ state: inout State)
        -> ProxyEndpoint
    {
        let cursor = state.cursors[route.ruleKey, default: 0]
        state.cursors[route.ruleKey] = cursor &+ 1
        return weighted(active, at: cursor)
    }

    // The endpoint at position `value` of the cycle in which each endpoint appears `weight` times.
    private static func weighted(_ active: [ProxyEndpoint], at value: UInt64) -> ProxyEndpoint {
        let total = active.reduce(0) { $0 + UInt64($1.weight) }
        var position = value % total
        for endpoint in active {
            if position < UInt64(endpoint.weight) { return endpoint }
            position -= UInt64(endpoint.weight)
        }
        return active[0]
    }

    private static func remember(
        _ client: IPAddress, _ endpoint: ProxyEndpoint, _ rule: ServiceKey, _ state: inout State
    ) {
        state.order &+= 1
        var table = state.persisted[rule] ?? [:]
        if table.count >= maxPersistEntries {
            let cutoff = table.values.map(\.order).sorted()[table.count / 2]
            table = table.filter { $0.value.order >= cutoff }
        }
        table[client] = (endpoint, state.order)
        state.persisted[rule] = table
    }

    // FNV-1a: a hash that is the same in every process (Swift's Hasher is seeded per process).
    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0100_0000_01b3 }
    }
}
