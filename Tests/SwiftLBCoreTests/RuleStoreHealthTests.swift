import Foundation
import SwiftLBCore
import Testing

/// Endpoint health in the RuleStore: probe reports and host marks set the datapath's active flags,
/// endpoint entries validate, persist and list.
@Suite struct RuleStoreHealthTests {
    let datapath = InMemoryDatapath()
    let config = InMemoryConfigStore()
    let store: RuleStore

    init() {
        store = RuleStore(config: config, datapath: datapath, logger: Fixtures.logger)
    }

    static func monitored(probe: String = "http", port: Int = 0, timeout: Int = 1, retries: Int = 2)
        -> LoadBalancerEntry
    {
        var entry = Fixtures.entry(
            "20.20.20.1", port: 80, endpoints: [("10.0.1.1", 8080, 1), ("10.0.2.1", 8080, 1), ("10.0.3.1", 8080, 1)])
        entry.serviceArguments.monitor = true
        entry.serviceArguments.probetype = probe
        entry.serviceArguments.probeport = port
        entry.serviceArguments.probereq = "/health"
        entry.serviceArguments.probeTimeout = timeout
        entry.serviceArguments.probeRetries = retries
        return entry
    }

    func programmedFlags() async throws -> [Bool] {
        let services = try await datapath.programmedServices()
        return try #require(services.first).endpoints.map(\.active)
    }

    @Test("a health change is exactly one write per rule whose active flags change, through the reconciler")
    func healthChangeWritesOnlyAffectedRules() async throws {
        try await store.create(Fixtures.entry("20.0.0.1", endpoints: [("10.0.1.1", 80, 1), ("10.0.1.2", 80, 1)]))
        try await store.create(Fixtures.entry("20.0.0.2", endpoints: [("10.0.1.3", 80, 1)]))
        try await store.create(Fixtures.entry("20.0.0.3", endpoints: [("10.0.1.2", 80, 1), ("10.0.1.4", 80, 1)]))
        var seen = await datapath.log.count
        try await store.setHostState(EndPointHostState(hostName: "10.0.1.2", state: "red"))
        #expect(await datapath.log.dropFirst(seen) == ["upsert 0 20.0.0.1:80/tcp", "upsert 2 20.0.0.3:80/tcp"])
        #expect(
            try await datapath.programmedServices().map { $0.endpoints.map(\.active) } == [
                [true, false], [true], [false, true],
            ])
        seen = await datapath.log.count
        try await store.setHostState(EndPointHostState(hostName: "10.0.1.9", state: "red"))
        try await store.setHostState(EndPointHostState(hostName: "10.0.1.2", state: "red"))
        #expect(await datapath.log.count == seen)
        try await store.setHostState(EndPointHostState(hostName: "10.0.1.2", state: "green"))
        #expect(await datapath.log.dropFirst(seen) == ["upsert 0 20.0.0.1:80/tcp", "upsert 2 20.0.0.3:80/tcp"])
        #expect(try await datapath.programmedServices().allSatisfy { $0.endpoints.allSatisfy(\.active) })
    }

    @Test("a health write that failed is retried by the next health change")
    func failedHealthWriteIsRetried() async throws {
        try await store.create(Fixtures.entry("20.0.0.1", endpoints: [("10.0.1.1", 80, 1), ("10.0.1.2", 80, 1)]))
        await datapath.failNext(.upsert)
        try await store.setHostState(EndPointHostState(hostName: "10.0.1.2", state: "red"))
        #expect(try await programmedFlags() == [true, true])
        try await store.setHostState(EndPointHostState(hostName: "10.0.1.9", state: "red"))
        #expect(try await programmedFlags() == [true, false])
    }

    @Test func monitoredRuleListsOneTargetPerEndpointWithRuleSettings() async throws {
        try await store.create(Self.monitored())
        let targets = await store.probeTargets()
        #expect(targets.map(\.key) == ["10.0.1.1_http_8080", "10.0.2.1_http_8080", "10.0.3.1_http_8080"])
        #expect(
            targets.allSatisfy { $0.interval == 1 && $0.retries == 2 && $0.request == "/health" && $0.type == .http })
    }

    @Test func unmonitoredRuleHasNoTargetsAndDefaultsFollowLoxilb() async throws {
        try await store.create(Fixtures.entry())
        #expect(await store.probeTargets().isEmpty)
        var entry = Fixtures.entry("10.0.0.2", endpoints: [("10.0.1.9", 9000, 1)])
        entry.serviceArguments.monitor = true
        try await store.create(entry)
        let target = try #require(await store.probeTargets().first)
        // No probetype on a tcp service: a tcp connect to the endpoint's port, every 60 s, out after 2.
        #expect(target.key == "10.0.1.9_tcp_9000")
        #expect(target.interval == 60 && target.retries == 2)
    }

    @Test func targetsFollowEveryChangeOfTheRules() async throws {
        try await store.create(Self.monitored())
        #expect(await store.probeTargets().count == 3)
        var smaller = Self.monitored()
        smaller.endpoints.removeLast()
        try await store.create(smaller)
        #expect(await store.probeTargets().map(\.key) == ["10.0.1.1_http_8080", "10.0.2.1_http_8080"])
        try await store.delete(.service(externalIP: "20.20.20.1", port: 80, portMax: nil, proto: "tcp", hostURL: nil))
        #expect(await store.probeTargets().isEmpty)
    }

    @Test func probeDownMarksTheEndpointInactiveAndUpRestoresIt() async throws {
        try await store.create(Self.monitored())
        #expect(try await programmedFlags() == [true, true, true])
        await store.reportProbe(key: "10.0.2.1_http_8080", status: ProbeStatus(up: false, lastError: "refused"))
        #expect(try await programmedFlags() == [true, false, true])
        let listed = try #require(await store.list().first)
        #expect(listed.endpoints.map(\.state) == ["active", "inactive", "active"])
        await store.reportProbe(key: "10.0.2.1_http_8080", status: ProbeStatus(up: true))
        #expect(try await programmedFlags() == [true, true, true])
    }

    @Test func allEndpointsDownKeepsTheRuleProgrammedWithAllInactive() async throws {
        try await store.create(Self.monitored())
        for host in ["10.0.1.1", "10.0.2.1", "10.0.3.1"] {
            await store.reportProbe(key: "\(host)_http_8080", status: ProbeStatus(up: false))
        }
        let services = try await datapath.programmedServices()
        #expect(services.count == 1)
        #expect(services[0].endpoints.count == 3 && services[0].endpoints.allSatisfy { !$0.active })
    }

    /// The BGP advertiser plans from this snapshot: without health in it, a VIP whose endpoints were all
    /// down stayed announced (issue 14).
    @Test func theRuleSnapshotCarriesHealthForTheAdvertiser() async throws {
        try await store.create(Self.monitored())
        for host in ["10.0.1.1", "10.0.2.1", "10.0.3.1"] {
            await store.reportProbe(key: "\(host)_http_8080", status: ProbeStatus(up: false))
        }
        #expect(await store.desiredState().rules.first?.endpoints.map(\.active) == [false, false, false])
        await store.reportProbe(key: "10.0.3.1_http_8080", status: ProbeStatus(up: true))
        #expect(await store.desiredState().rules.first?.endpoints.map(\.active) == [false, false, true])
    }

    @Test func updatingARuleKeepsItsEndpointsHealth() async throws {
        try await store.create(Self.monitored())
        await store.reportProbe(key: "10.0.1.1_http_8080", status: ProbeStatus(up: false))
        var updated = Self.monitored()
        updated.endpoints.append(LBEndpoint(endpointIP: "10.0.4.1", targetPort: 8080, weight: 1))
        try await store.create(updated)
        #expect(try await programmedFlags() == [false, true, true, true])
    }

    @Test func hostStateRedTakesTheHostOutOfEveryRuleAndGreenBringsItBack() async throws {
        try await store.create(Fixtures.entry("20.20.20.1", endpoints: [("10.0.1.1", 8080, 1), ("10.0.2.1", 8080, 1)]))
        try await store.setHostState(EndPointHostState(hostName: "10.0.1.1", state: "red"))
        #expect(try await programmedFlags() == [false, true])
        try await store.setHostState(EndPointHostState(hostName: "10.0.1.1", epPort: 9999, state: "green"))
        #expect(try await programmedFlags() == [false, true], "green for another port leaves the host-wide mark")
        try await store.setHostState(EndPointHostState(hostName: "10.0.1.1", state: "green"))
        #expect(try await programmedFlags() == [true, true])
    }

    @Test func hostStateNarrowedByPortAndProtocol() async throws {
        try await store.create(Fixtures.entry("20.20.20.1", endpoints: [("10.0.1.1", 8080, 1), ("10.0.2.1", 8080, 1)]))
        try await store.setHostState(
            EndPointHostState(hostName: "10.0.1.1", epPort: 8080, epProto: "udp", state: "red"))
        #expect(try await programmedFlags() == [true, true], "a udp mark does not touch a tcp rule")
        try await store.setHostState(
            EndPointHostState(hostName: "10.0.1.1", epPort: 8080, epProto: "tcp", state: "red"))
        #expect(try await programmedFlags() == [false, true])
    }

    @Test func badHostStatesAreRefusedNamingTheField() async throws {
        try await store.create(Fixtures.entry())
        let cases: [(EndPointHostState, String)] = [
            (EndPointHostState(hostName: "nope", state: "red"), "hostName"),
            (EndPointHostState(hostName: "10.0.1.1", state: "blue"), "state"),
            (EndPointHostState(hostName: "10.0.1.1", epPort: 70000, state: "red"), "epPort"),
            (EndPointHostState(hostName: "10.0.1.1", epProto: "gre", state: "red"), "epProto"),
        ]
        for (request, field) in cases {
            let error = await apiError { try await store.setHostState(request) }
            #expect(error?.status == 400 && error?.fields == [field])
        }
        #expect(try await programmedFlags() == [true])
    }

    @Test func endpointEntryIsNormalizedListedAndOverridesRuleSettings() async throws {
        try await store.create(Self.monitored(timeout: 30, retries: 5))
        try await store.createEndpoint(
            EndPointEntry(hostName: "10.0.1.1", probeType: "http", probeDuration: 2, probePort: 8080))
        let targets = await store.probeTargets()
        let first = try #require(targets.first { $0.key == "10.0.1.1_http_8080" })
        #expect(first.interval == 2 && first.retries == 2, "the entry's period and default retries win")
        let second = try #require(targets.first { $0.key == "10.0.2.1_http_8080" })
        #expect(second.interval == 30 && second.retries == 5)
        let listed = await store.endpointStates()
        #expect(listed.count == 3)
        #expect(listed[0].name == "10.0.1.1_http_8080" && listed[0].currState == "ok")
        #expect(listed[0].description == "20.20.20.1:80/tcp")
    }

    @Test func endpointEntriesPersistAcrossARestart() async throws {
        try await store.createEndpoint(EndPointEntry(hostName: "10.9.9.9", probeType: "connect-tcp", probePort: 22))
        let restarted = RuleStore(config: config, datapath: datapath, logger: Fixtures.logger)
        try await restarted.restore()
        try await restarted.restoreEndpoints()
        let listed = await restarted.endpointStates()
        #expect(listed.map(\.name) == ["10.9.9.9_tcp_22"])
        #expect(
            listed.first?.probeType == "tcp" && listed.first?.probeDuration == 60 && listed.first?.inactiveReTries == 2)
    }

    @Test func deletingEndpointEntriesNarrowsByQueryAnd404sOtherwise() async throws {
        try await store.createEndpoint(EndPointEntry(hostName: "10.9.9.9", probeType: "tcp", probePort: 22))
        try await store.createEndpoint(EndPointEntry(hostName: "10.9.9.9", probeType: "ping"))
        try await store.deleteEndpoints(host: "10.9.9.9", name: "", probeType: "ping", probePort: 0)
        #expect(await store.endpointStates().map(\.name) == ["10.9.9.9_tcp_22"])
        let missing = await apiError {
            try await store.deleteEndpoints(host: "10.9.9.8", name: "", probeType: "", probePort: 0)
        }
        #expect(missing?.status == 404)
        try await store.deleteEndpoints(host: "10.9.9.9", name: "", probeType: "", probePort: 0)
        #expect(await store.endpointStates().isEmpty)
        #expect(try await config.loadEndpoints().isEmpty)
    }

    @Test func badEndpointEntriesAreRefusedAndChangeNothing() async throws {
        let cases: [(EndPointEntry, String)] = [
            (EndPointEntry(hostName: "host.example"), "hostName"),
            (EndPointEntry(hostName: "10.0.0.1", probeType: "smtp"), "probeType"),
            (EndPointEntry(hostName: "10.0.0.1", probeType: "sctp"), "probePort"),
            (EndPointEntry(hostName: "10.0.0.1", probeType: "tcp"), "probePort"),
            (EndPointEntry(hostName: "10.0.0.1", probeType: "tcp", probePort: 65536), "probePort"),
            (EndPointEntry(hostName: "10.0.0.1", probeDuration: -1), "probeDuration"),
            (EndPointEntry(hostName: "10.0.0.1", probeDuration: 86401), "probeDuration"),
            (EndPointEntry(hostName: "10.0.0.1", inactiveReTries: 101), "inactiveReTries"),
            (EndPointEntry(hostName: "10.0.0.1", probeType: "http", probeReq: "/a\r\nX: y"), "probeReq"),
        ]
        for (entry, field) in cases {
            let error = await apiError { try await store.createEndpoint(entry) }
            #expect(error?.status == 400 && error?.fields == [field], "\(entry)")
        }
        #expect(await store.endpointStates().isEmpty)
        #expect(await config.writeCount == 0)
    }

    @Test func endpointSaveFailureChangesNothing() async throws {
        await config.failNextWrites()
        let error = await apiError { try await store.createEndpoint(EndPointEntry(hostName: "10.0.0.1")) }
        #expect(error?.status == 500)
        #expect(await store.endpointStates().isEmpty)
    }

    @Test func ruleProbeFieldsAreValidated() async throws {
        let cases: [(ServiceArguments, String)] = [
            (ServiceArguments(monitor: true, probetype: "smtp"), "serviceArguments.probetype"),
            (ServiceArguments(monitor: true, probetype: "ftp"), "serviceArguments.probetype"),
            (ServiceArguments(monitor: true, probeport: 70000), "serviceArguments.probeport"),
            (ServiceArguments(monitor: true, probeTimeout: -5), "serviceArguments.probeTimeout"),
            (ServiceArguments(monitor: true, probeRetries: 1000), "serviceArguments.probeRetries"),
        ]
        for (probe, field) in cases {
            var entry = Fixtures.entry()
            entry.serviceArguments.monitor = probe.monitor
            entry.serviceArguments.probetype = probe.probetype
            entry.serviceArguments.probeport = probe.probeport
            entry.serviceArguments.probeTimeout = probe.probeTimeout
            entry.serviceArguments.probeRetries = probe.probeRetries
            let error = await apiError { try await store.create(entry) }
            #expect(error?.status == 400 && error?.fields == [field])
        }
        #expect(await store.list().isEmpty)
    }

    @Test func probetypeAliasIsStoredUnderLoxilbsName() async throws {
        var entry = Fixtures.entry()
        entry.serviceArguments.monitor = true
        entry.serviceArguments.probetype = "connect-tcp"
        try await store.create(entry)
        #expect(await store.list().first?.serviceArguments.probetype == "tcp")
    }

    @Test func delaysAreFormattedAsGoDurations() {
        #expect(ProbeStatus.text(nil) == "0s")
        #expect(ProbeStatus.text(.nanoseconds(512)) == "512ns")
        #expect(ProbeStatus.text(.microseconds(1500)) == "1.5ms")
        #expect(ProbeStatus.text(.microseconds(250)) == "250µs")
        #expect(ProbeStatus.text(.milliseconds(2250)) == "2.25s")
    }
}
