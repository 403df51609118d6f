import Foundation
import Logging
import SwiftLBCore

/// How the supervisor runs gobgpd.
public struct BGPSupervisorConfig: Sendable {
    /// The gobgpd executable; nil searches `PATH`.
    public var gobgpdPath: String?
    /// gobgpd's gRPC port on 127.0.0.1 (in the daemon's network namespace).
    public var apiPort: Int
    /// Where the generated config file, gobgpd's log and its PID file live.
    public var stateDirectory: String
    /// Install routes learned from peers into the kernel.
    public var installRoutes: Bool
    /// The attributes of every advertisement.
    public var policy: AdvertisementPolicy
    /// Time between passes.
    public var interval: Duration
    /// A started gobgpd that does not answer its API within this time is restarted.
    public var readyTimeout: Duration
    /// The longest wait between restarts (the wait doubles from 1 s after each failure).
    public var maxBackoff: Duration

    /// Creates a configuration.
    public init(
        gobgpdPath: String? = nil, apiPort: Int = 50051, stateDirectory: String, installRoutes: Bool = true,
        policy: AdvertisementPolicy = AdvertisementPolicy(), interval: Duration = .seconds(1),
        readyTimeout: Duration = .seconds(15), maxBackoff: Duration = .seconds(30)
    ) {
        self.gobgpdPath = gobgpdPath
        self.apiPort = apiPort
        self.stateDirectory = stateDirectory
        self.installRoutes = installRoutes
        self.policy = policy
        self.interval = interval
        self.readyTimeout = readyTimeout
        self.maxBackoff = maxBackoff
    }

    /// The generated gobgpd config file.
    public var configFile: String { stateDirectory + "/gobgpd.toml" }
    /// gobgpd's standard output and error.
    public var logFile: String { stateDirectory + "/gobgpd.log" }
    /// gobgpd's PID and start time.
    public var pidFile: String { stateDirectory + "/gobgpd.pid" }
}

/// Runs gobgpd and keeps it in line with the desired state.
///
/// Each pass (every `interval`): start gobgpd when BGP is configured and it is not running (with
/// backoff after failures), restart it when it died, did not become ready, or the global settings
/// changed; then push peers and VIP routes, read sessions and learned routes, install those into the
/// kernel, and publish the status. When gobgpd cannot run, forwarding is unaffected: the status says
/// why (API `state`, `/metrics`), and the log says so once per change.
public actor BGPSupervisor {
    private let config: BGPSupervisorConfig
    private let desired: BGPDesiredState
    private let rules: @Sendable () async -> [LBRule]
    private let makeSpeaker: @Sendable (Int) throws -> any BGPSpeaker
    private let kernel: KernelRouteTable?
    private let logger: Logger
    private let clock = ContinuousClock()

    private var policy: AdvertisementPolicy
    private var child: GobgpdProcess?
    private var speaker: (any BGPSpeaker)?
    private var sync = SpeakerSync()
    private var startedSettings: BGPSettings?
    private var startedAt: ContinuousClock.Instant?
    private var ready = false
    private var starts = 0
    private var backoff: Duration = .seconds(1)
    private var nextStart: ContinuousClock.Instant?
    private var installed: Int = 0
    private var lastProblem: String?
    /// True while reading the kernel's routes fails (logged when it starts and when it ends, not
    /// every second: under descriptor exhaustion it fails on every pass).
    private var routeReadFailing = false

    /// Creates a supervisor. `rules` returns the current rule set; `makeSpeaker` connects to gobgpd's
    /// API on the given port; `kernel` is nil when learned routes are not installed.
    public init(
        config: BGPSupervisorConfig, desired: BGPDesiredState, rules: @escaping @Sendable () async -> [LBRule],
        makeSpeaker: @escaping @Sendable (Int) throws -> any BGPSpeaker, kernel: KernelRouteTable?, logger: Logger
    ) {
        self.config = config
        self.desired = desired
        self.rules = rules
        self.makeSpeaker = makeSpeaker
        self.kernel = config.installRoutes ? kernel : nil
        self.logger = logger
        self.policy = config.policy
    }

    /// Changes the attributes of every advertisement (next hop, LOCAL_PREF, MED); the next pass
    /// re-announces the VIPs with them. This is the hook an HA subsystem uses to prefer an instance.
    public func setPolicy(_ policy: AdvertisementPolicy) {
        self.policy = policy
    }

    /// One pass; the service calls it every `interval`.
    public func pass() async {
        guard let settings = await desired.currentSettings() else {
            if child != nil {
                logger.info("BGP global config removed; stopping gobgpd")
                await stopChild()
            }
            await publish(up: false, reason: "not configured (POST /netlox/v1/config/bgp/global)")
            return
        }
        if let child, !child.isRunning {
            report("gobgpd (pid \(child.pid)) exited with \(child.exitDescription); restarting it", level: .warning)
            await stopChild()
            scheduleRestart()
        }
        if child != nil, startedSettings != settings {
            logger.info("BGP global config changed; restarting gobgpd with the new settings")
            await stopChild()
            nextStart = nil
        }
        if child == nil {
            guard await start(settings) else { return }
        }
        await talk()
    }

    /// Stops gobgpd and removes the learned routes installed into the kernel (graceful shutdown).
    public func shutdown() async {
        if child != nil {
            logger.info("stopping gobgpd")
            await stopChild()
        }
        if let kernel {
            do {
                let routes = try kernel.installed()
                for route in routes { try kernel.remove(route) }
                if !routes.isEmpty { logger.info("removed learned routes", metadata: ["routes": "\(routes.count)"]) }
            } catch {
                logger.warning("could not remove learned routes", metadata: ["error": "\(error)"])
            }
        }
        await publish(up: false, reason: "stopped")
    }

    // MARK: - gobgpd process

    private func start(_ settings: BGPSettings) async -> Bool {
        if let nextStart, clock.now < nextStart {
            await publish(up: false, reason: lastProblem ?? "restarting")
            return false
        }
        do {
            let executable = try gobgpdExecutable()
            let peers = await desired.currentPeers()
            try writeConfig(GoBGPConfigFile.render(settings: settings, peers: peers))
            let process = try GobgpdProcess(
                executable: executable, configFile: config.configFile, apiPort: config.apiPort,
                logFile: config.logFile, pidFile: config.pidFile)
            child = process
            starts += 1
            startedSettings = settings
            startedAt = clock.now
            ready = false
            sync = SpeakerSync()
            speaker = try makeSpeaker(config.apiPort)
            logger.info(
                "gobgpd started",
                metadata: [
                    "pid": "\(process.pid)", "config": "\(config.configFile)", "api": "127.0.0.1:\(config.apiPort)",
                    "log": "\(config.logFile)",
                ])
            return true
        } catch {
            report("\(error)", level: .error)
            await stopChild()
            scheduleRestart()
            await publish(up: false, reason: "\(error)")
            return false
        }
    }

    private func stopChild() async {
        await speaker?.close()
        speaker = nil
        await child?.stop()
        child = nil
        ready = false
        startedSettings = nil
        sync = SpeakerSync()
    }

    private func scheduleRestart() {
        nextStart = clock.now + backoff
        backoff = min(backoff * 2, config.maxBackoff)
    }

    private func gobgpdExecutable() throws -> String {
        if let path = config.gobgpdPath {
            guard FileManager.default.isExecutableFile(atPath: path) else { throw BGPSupervisorError.notFound(path) }
            return path
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/gobgpd"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw BGPSupervisorError.notFound("searched PATH=\(path)")
    }

    private func writeConfig(_ text: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: config.stateDirectory, withIntermediateDirectories: true)
            try text.write(toFile: config.configFile, atomically: true, encoding: .utf8)
        } catch {
            throw BGPSupervisorError.configFile("\(config.configFile): \(error)")
        }
    }

    // MARK: - gRPC

    private func talk() async {
        guard let speaker else { return }
        do {
            if !ready {
                guard try await speaker.runningGlobal() != nil else {
                    throw BGPSupervisorError.launch("gobgpd answers but has not started BGP yet")
                }
                ready = true
                report(nil, level: .info)
                logger.info("gobgpd is up; pushing neighbors and routes", metadata: ["starts": "\(starts)"])
            }
            let peers = try await sync.syncPeers(speaker, desired: await desired.currentPeers())
            let wanted = AdvertisementPlanner.advertisements(for: await rules(), policy: policy)
            // Copied out and back because an actor's property cannot be mutated across an await; the
            // record is written back even when a call fails, so what did reach gobgpd is remembered.
            var pushing = sync
            let changes: (withdrawn: [Advertisement], announced: [Advertisement])
            do {
                changes = try await pushing.syncPaths(speaker, desired: wanted)
                sync = pushing
            } catch {
                sync = pushing
                throw error
            }
            for route in changes.withdrawn { logger.info("BGP route withdrawn", metadata: ["route": "\(route)"]) }
            for route in changes.announced { logger.info("BGP route announced", metadata: ["route": "\(route)"]) }
            if let kernel {
                let learned = try await speaker.learnedRoutes()
                installLearned(learned, kernel: kernel, excluded: Set(wanted.map(\.prefix)))
            }
            if let startedAt, clock.now - startedAt > .seconds(30) { backoff = .seconds(1) }
            await publish(up: true, reason: "", peers: peers)
        } catch {
            if !ready, let startedAt, clock.now - startedAt > config.readyTimeout {
                report(
                    "gobgpd did not answer its API within \(config.readyTimeout) (\(error)); restarting it",
                    level: .error)
                await stopChild()
                scheduleRestart()
            } else if ready {
                report("gobgpd API call failed: \(error)", level: .warning)
            }
            await publish(up: false, reason: ready ? "gobgpd API error: \(error)" : "gobgpd starting")
        }
    }

    private func installLearned(_ learned: [LearnedRoute], kernel: KernelRouteTable, excluded: Set<String>) {
        do {
            let current = try kernel.installed()
            if routeReadFailing {
                routeReadFailing = false
                logger.notice("reading the kernel routes works again")
            }
            let plan = KernelRoutePlanner.changes(installed: current, learned: learned, excluded: excluded)
            var count = current.count
            for route in plan.remove {
                do {
                    try kernel.remove(route)
                    count -= 1
                    logger.info("learned route removed from the kernel", metadata: ["route": "\(route)"])
                } catch {
                    logger.warning("could not remove a learned route", metadata: ["error": "\(error)"])
                }
            }
            let replaced = Set(current.map(\.prefix))
            for route in plan.replace {
                do {
                    try kernel.replace(route)
                    if !replaced.contains(route.prefix) { count += 1 }
                    logger.info("learned route installed in the kernel", metadata: ["route": "\(route)"])
                } catch {
                    logger.warning(
                        "could not install a learned route", metadata: ["route": "\(route)", "error": "\(error)"])
                }
            }
            installed = count
        } catch {
            guard !routeReadFailing else { return }
            routeReadFailing = true
            logger.warning(
                "could not read the kernel routes; retrying every pass, logged again when it works",
                metadata: ["error": "\(error)"])
        }
    }

    // MARK: - status

    /// Logs a problem once (nil clears it), so a gobgpd that stays down does not flood the log.
    private func report(_ problem: String?, level: Logger.Level) {
        guard problem != lastProblem else { return }
        if let problem {
            logger.log(level: level, "BGP: \(problem); the datapath keeps forwarding")
        } else if lastProblem != nil {
            logger.info("BGP: gobgpd recovered")
        }
        lastProblem = problem
    }

    private func publish(up: Bool, reason: String, peers: [PeerStatus] = []) async {
        var sessions: [IPAddress: BGPRuntimeStatus.Session] = [:]
        for status in peers {
            sessions[status.peer.address] = .init(state: status.state, secondsInState: status.secondsInState)
        }
        let status = BGPRuntimeStatus(
            gobgpdUp: up, downReason: reason, gobgpdStarts: starts, sessions: sessions,
            advertisedRoutes: up ? sync.announced.count : 0, installedRoutes: installed)
        await desired.update(status: status)
    }
}
