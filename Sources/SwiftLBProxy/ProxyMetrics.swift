import SwiftLBCore
import Synchronization

/// The proxy's counters per rule (requests, responses by status code, request latency, stream
/// connections, endpoint failures) and the open client connections, rendered for /metrics.
public final class ProxyMetrics: Sendable {
    /// Upper bounds (seconds) of the latency histogram's buckets.
    public static let latencyBuckets: [Double] = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    struct RuleCounters: Sendable {
        var requests: UInt64 = 0
        var responses: [Int: UInt64] = [:]
        var latencyCounts = [UInt64](repeating: 0, count: ProxyMetrics.latencyBuckets.count)
        var latencySum = 0.0
        var latencyCount: UInt64 = 0
        var streams: UInt64 = 0
        var openStreams: Int = 0
        var upstreamFailures: UInt64 = 0
        var refused: UInt64 = 0
    }

    let rules = Mutex([ServiceKey: RuleCounters]())
    private let connections = Atomic<Int>(0)
    let rejected = Atomic<UInt64>(0)
    let badRequests = Atomic<UInt64>(0)

    public init() {}

    /// Client connections open now.
    public var activeConnections: Int { connections.load(ordering: .relaxed) }

    /// Counts an accepted client connection unless `limit` are open; false when it must be closed.
    func admit(limit: Int) -> Bool {
        let now = connections.wrappingAdd(1, ordering: .relaxed).newValue
        guard now <= limit else {
            connections.wrappingSubtract(1, ordering: .relaxed)
            rejected.wrappingAdd(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func connectionClosed() {
        connections.wrappingSubtract(1, ordering: .relaxed)
    }

    func badRequest() {
        badRequests.wrappingAdd(1, ordering: .relaxed)
    }

    func requestStarted(_ rule: ServiceKey) {
        update(rule) { $0.requests += 1 }
    }

    /// Counts a response of `status` that took `seconds` from the request's head.
    func responded(_ rule: ServiceKey, status: Int, seconds: Double) {
        update(rule) { counters in
            counters.responses[status, default: 0] += 1
            counters.latencySum += seconds
            counters.latencyCount += 1
            if let bucket = Self.latencyBuckets.firstIndex(where: { seconds <= $0 }) {
                counters.latencyCounts[bucket] += 1
            }
        }
    }

    func streamOpened(_ rule: ServiceKey) {
        update(rule) {
            $0.streams += 1
            $0.openStreams += 1
        }
    }

    func streamClosed(_ rule: ServiceKey) {
        update(rule) { $0.openStreams -= 1 }
    }

    func upstreamFailed(_ rule: ServiceKey) {
        update(rule) { $0.upstreamFailures += 1 }
    }

    func connectionRefused(_ rule: ServiceKey) {
        update(rule) { $0.refused += 1 }
    }

    /// Responses of `status` counted for `rule` so far (tests).
    public func responses(_ rule: ServiceKey, status: Int) -> UInt64 {
        rules.withLock { $0[rule]?.responses[status] ?? 0 }
    }

    /// Requests counted for `rule` so far.
    public func requests(_ rule: ServiceKey) -> UInt64 {
        rules.withLock { $0[rule]?.requests ?? 0 }
    }

    private func update(_ rule: ServiceKey, _ change: (inout RuleCounters) -> Void) {
        rules.withLock { change(&$0[rule, default: RuleCounters()]) }
    }
}
