import Logging
import SwiftLBCore
import SwiftLBHealth
import Testing

/// A prober answering from a table that the test changes.
actor ScriptedProber: Prober {
    private var down: Set<String> = []
    private(set) var probes: [String: Int] = [:]

    func setDown(_ host: String, _ isDown: Bool) {
        if isDown { down.insert(host) } else { down.remove(host) }
    }

    func count(_ key: String) -> Int { probes[key, default: 0] }

    nonisolated func probe(_ target: ProbeTarget) async -> ProbeResult {
        await record(target)
    }

    private func record(_ target: ProbeTarget) -> ProbeResult {
        probes[target.key, default: 0] += 1
        return down.contains(target.host.description)
            ? .failure(reason: "scripted") : .success(delay: .microseconds(300))
    }
}

/// The service end to end with a scripted prober and the in-memory datapath.
@Suite struct HealthProbeServiceTests {
    static let logger = Logger(label: "swiftlb.health.test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Polls `condition` every 20 ms for at most `seconds` (generous: the whole suite shares two
    /// cores); true once it holds.
    static func eventually(_ seconds: Int = 60, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test func downEndpointLeavesSelectionAndComesBack() async throws {
        let datapath = InMemoryDatapath()
        let store = RuleStore(config: InMemoryConfigStore(), datapath: datapath, logger: Self.logger)
        var entry = LoadBalancerEntry(
            serviceArguments: ServiceArguments(
                externalIP: "20.20.20.1", port: 80, protocol: "tcp", monitor: true, probetype: "http", probeTimeout: 1,
                probeRetries: 2),
            endpoints: ["10.0.1.1", "10.0.2.1"].map { LBEndpoint(endpointIP: $0, targetPort: 8080, weight: 1) })
        entry.serviceArguments.probereq = "/"
        try await store.create(entry)
        let prober = ScriptedProber()
        await prober.setDown("10.0.2.1", true)
        let service = HealthProbeService(store: store, prober: prober, logger: Self.logger)
        let task = Task { try await service.runUntilCancelled() }
        defer { task.cancel() }
        let flags = { try await datapath.programmedServices().first?.endpoints.map(\.active) }
        #expect(try await Self.eventually { try await flags() == [true, false] })
        // The up endpoint's delay is recorded by the same sweep that may still be finishing.
        #expect(try await Self.eventually { await store.endpointStates().first?.avgDelay == "300µs" })
        let states = await store.endpointStates()
        #expect(states.map(\.currState) == ["ok", "nok"])
        await prober.setDown("10.0.2.1", false)
        #expect(try await Self.eventually { try await flags() == [true, true] })
        // Deleting the rule leaves nothing to probe.
        try await store.deleteAll()
        #expect(try await Self.eventually { await store.probeTargets().isEmpty })
    }

    @Test("a rule created while the prober waits is probed at once: the prober follows the desired state, no timer")
    func ruleCreatedLaterIsProbed() async throws {
        let datapath = InMemoryDatapath()
        let store = RuleStore(config: InMemoryConfigStore(), datapath: datapath, logger: Self.logger)
        let prober = ScriptedProber()
        await prober.setDown("10.0.2.1", true)
        let task = Task {
            try await HealthProbeService(store: store, prober: prober, logger: Self.logger).runUntilCancelled()
        }
        defer { task.cancel() }
        try await Task.sleep(for: .milliseconds(50))  // the service now waits for a new version
        let entry = LoadBalancerEntry(
            serviceArguments: ServiceArguments(
                externalIP: "20.20.20.2", port: 80, protocol: "tcp", monitor: true, probetype: "tcp", probeTimeout: 1,
                probeRetries: 1),
            endpoints: ["10.0.1.1", "10.0.2.1"].map { LBEndpoint(endpointIP: $0, targetPort: 8080, weight: 1) })
        try await store.create(entry)
        #expect(
            try await Self.eventually {
                try await datapath.programmedServices().first?.endpoints.map(\.active) == [true, false]
            })
    }

    @Test func limiterNeverRunsMoreThanItsLimit() async throws {
        let limiter = ConcurrencyLimiter(limit: 2)
        let gauge = Gauge()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await limiter.run {
                        await gauge.enter()
                        try? await Task.sleep(for: .milliseconds(5))
                        await gauge.leave()
                    }
                }
            }
        }
        #expect(await gauge.peak <= 2)
        #expect(await gauge.current == 0)
    }
}

/// Counts bodies running at once.
actor Gauge {
    private(set) var current = 0
    private(set) var peak = 0
    func enter() {
        current += 1
        peak = max(peak, current)
    }
    func leave() { current -= 1 }
}
