import Foundation
import Logging
import SwiftLBBGP
import SwiftLBCore
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The speakers the supervisor created, one per gobgpd it started.
final class SpeakerFactory: Sendable {
    private let made = Mutex<[InMemorySpeaker]>([])

    func make(_ port: Int) throws -> any BGPSpeaker {
        let speaker = InMemorySpeaker()
        made.withLock { $0.append(speaker) }
        return speaker
    }

    var speakers: [InMemorySpeaker] { made.withLock { $0 } }
}

/// The rule set the supervisor reads.
actor RuleBox {
    var rules: [LBRule] = []
    func set(_ rules: [LBRule]) { self.rules = rules }
}

/// A supervisor running a stand-in for gobgpd (a shell script that sleeps), so process supervision
/// is tested without gobgpd; the speaker is in memory.
struct SupervisorHarness {
    let directory: URL
    let desired = BGPDesiredState(
        store: InMemoryBGPConfigStore(), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    let factory = SpeakerFactory()
    let rules = RuleBox()
    let supervisor: BGPSupervisor

    init(gobgpd: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slbg-sup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fake = directory.appendingPathComponent("fake-gobgpd").path
        try "#!/bin/sh\nexec sleep 60\n".write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        let config = BGPSupervisorConfig(
            gobgpdPath: gobgpd ?? fake, apiPort: 50999, stateDirectory: directory.appendingPathComponent("gobgp").path,
            installRoutes: false)
        let (factory, rules) = (factory, rules)
        supervisor = BGPSupervisor(
            config: config, desired: desired, rules: { await rules.rules }, makeSpeaker: { try factory.make($0) },
            kernel: nil, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    var pidFile: String { directory.appendingPathComponent("gobgp/gobgpd.pid").path }

    func recordedPID() -> Int32? {
        (try? String(contentsOfFile: pidFile, encoding: .utf8))?.split(separator: " ").first.flatMap { Int32($0) }
    }

    func cleanUp() async {
        await supervisor.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite("BGP supervisor", .serialized)
struct BGPSupervisorTests {
    @Test("unconfigured: gobgpd is not started and the status says why")
    func unconfigured() async throws {
        let harness = try SupervisorHarness()
        await harness.supervisor.pass()
        let status = await harness.desired.runtimeStatus()
        #expect(!status.gobgpdUp && status.gobgpdStarts == 0)
        #expect(status.downReason.contains("not configured"))
        #expect(harness.factory.speakers.isEmpty)
        await harness.cleanUp()
    }

    @Test("configured: gobgpd started with the generated config, peers and VIP routes pushed, status up")
    func startsAndPushes() async throws {
        let harness = try SupervisorHarness()
        try await harness.desired.setGlobal(BGPGlobalConfig(localAs: 65001, routerId: "10.0.0.1"))
        try await harness.desired.addNeighbor(BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65000))
        await harness.rules.set([Rules.rule("10.0.0.1"), Rules.rule("10.0.0.5", bgp: false)])
        await harness.supervisor.pass()

        let speaker = try #require(harness.factory.speakers.first)
        #expect(await speaker.announced() == ["10.0.0.1/32"])
        #expect(await speaker.peerTable.keys.map(\.description) == ["10.0.0.2"])
        let file = try String(
            contentsOfFile: harness.directory.appendingPathComponent("gobgp/gobgpd.toml").path, encoding: .utf8)
        #expect(file.contains("as = 65001") && file.contains("neighbor-address = \"10.0.0.2\""))
        let status = await harness.desired.runtimeStatus()
        #expect(status.gobgpdUp && status.gobgpdStarts == 1 && status.advertisedRoutes == 1)
        #expect(await harness.desired.neighbors().map(\.state) == ["established"])

        // The rule goes away: the VIP is withdrawn on the next pass.
        await harness.rules.set([])
        await harness.supervisor.pass()
        #expect(await speaker.announced().isEmpty)
        await harness.cleanUp()
        #expect(!FileManager.default.fileExists(atPath: harness.pidFile))
    }

    @Test("gobgpd dies: it is restarted (after the backoff) and its routes are pushed again")
    func restart() async throws {
        let harness = try SupervisorHarness()
        try await harness.desired.setGlobal(BGPGlobalConfig(localAs: 65001, routerId: "10.0.0.1"))
        await harness.rules.set([Rules.rule("10.0.0.1")])
        await harness.supervisor.pass()
        let first = try #require(harness.recordedPID())
        kill(first, SIGKILL)
        // The next pass sees it gone; the one after the 1 s backoff starts a new one.
        var tries = 0
        while await harness.desired.runtimeStatus().gobgpdStarts < 2, tries < 40 {
            try await Task.sleep(for: .milliseconds(100))
            await harness.supervisor.pass()
            tries += 1
        }
        let status = await harness.desired.runtimeStatus()
        #expect(status.gobgpdStarts == 2 && status.gobgpdUp)
        #expect(harness.factory.speakers.count == 2)
        let second = try #require(harness.factory.speakers.last)
        #expect(await second.announced() == ["10.0.0.1/32"])
        #expect(harness.recordedPID() != first)
        await harness.cleanUp()
    }

    @Test("changed global settings restart gobgpd with the new config")
    func globalChange() async throws {
        let harness = try SupervisorHarness()
        try await harness.desired.setGlobal(BGPGlobalConfig(localAs: 65001, routerId: "10.0.0.1"))
        await harness.supervisor.pass()
        try await harness.desired.setGlobal(BGPGlobalConfig(localAs: 65002, routerId: "10.0.0.1"))
        await harness.supervisor.pass()
        #expect(await harness.desired.runtimeStatus().gobgpdStarts == 2)
        let file = try String(
            contentsOfFile: harness.directory.appendingPathComponent("gobgp/gobgpd.toml").path, encoding: .utf8)
        #expect(file.contains("as = 65002"))
        await harness.cleanUp()
    }

    @Test("gobgpd missing: nothing crashes, the status and neighbors say so, retried with backoff")
    func missing() async throws {
        let harness = try SupervisorHarness(gobgpd: "/nonexistent/gobgpd")
        try await harness.desired.setGlobal(BGPGlobalConfig(localAs: 65001, routerId: "10.0.0.1"))
        try await harness.desired.addNeighbor(BGPNeighbor(ipAddress: "10.0.0.2", remoteAs: 65000))
        await harness.supervisor.pass()
        await harness.supervisor.pass()
        let status = await harness.desired.runtimeStatus()
        #expect(!status.gobgpdUp && status.gobgpdStarts == 0)
        #expect(status.downReason.contains("gobgpd not found"))
        #expect(await harness.desired.neighbors().map(\.state) == ["gobgpd-down"])
        #expect(await harness.desired.metrics().gobgpdUp == false)
        await harness.cleanUp()
    }

    @Test("the policy hook re-announces every VIP with the new attributes")
    func policyHook() async throws {
        let harness = try SupervisorHarness()
        try await harness.desired.setGlobal(BGPGlobalConfig(localAs: 65001, routerId: "10.0.0.1"))
        await harness.rules.set([Rules.rule("10.0.0.1")])
        await harness.supervisor.pass()
        await harness.supervisor.setPolicy(AdvertisementPolicy(localPref: 250, med: 3))
        await harness.supervisor.pass()
        let speaker = try #require(harness.factory.speakers.first)
        #expect(await speaker.announced() == ["10.0.0.1/32 local-pref 250 med 3"])
        await harness.cleanUp()
    }
}
