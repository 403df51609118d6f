import ArgumentParser
import Hummingbird
import Logging
import ServiceLifecycle
import SwiftLBAPI
import SwiftLBCore
import SwiftLBDatapath
import SwiftLBHA
import SwiftLBHealth
import SwiftLBProxy
import SwiftLBStore

#if canImport(Glibc)
    import Glibc
#endif

/// `swiftlb run` (the default): the daemon in the foreground.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the load balancer in the foreground (the default command).",
        discussion: """
            High availability (docs/ha.md):
            - L2 active-backup: two instances on the clients' subnet, each with
              --ha-peers naming the other. The MASTER holds the VIPs and the --ha-vip
              addresses (servers' gateway, --fullnat/onearm-source) and announces them
              with gratuitous ARP; the conntrack is synced to the BACKUP.
            - L3 with BGP: the same with --bgp; the MASTER announces with
              LOCAL_PREF 5000 / MED 10, the BACKUP with 100 / 20.
            - Active-active: no --ha-peers; every instance announces over BGP.
            - Roles from a controller: no --ha-peers; POST /config/cistate.
            """)

    @Option(
        help: ArgumentHelp(
            "Comma-separated interfaces to attach to; default: every non-loopback interface, including ones that appear later.",
            valueName: "if1,if2"))
    var interfaces: String?

    @OptionGroup var datapath: DatapathOptions

    @Option(help: ArgumentHelp("SQLite file holding the configuration.", valueName: "file"))
    var configDb = "/var/lib/swiftlb/swiftlb.db"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(help: "Seconds between conntrack garbage-collection sweeps.")
    var ctGcInterval = 10

    @Option(
        help: ArgumentHelp(
            "Source addresses of fullnat flows toward endpoints, for rules without their own snatSources: an IPv4 address, a prefix (10.0.9.0/28) or a range (10.0.9.1-10.0.9.8) of this instance that endpoints route back to. Each address carries about 470 new connections per second per endpoint (closed ports are held 60 s for the endpoint's TIME_WAIT); default: the service's VIP.",
            valueName: "pool"))
    var fullnatSource: String?

    @Option(
        help: ArgumentHelp(
            "Source addresses of onearm flows toward IPv4 endpoints, for rules without their own snatSources: an address, prefix or range as for --fullnat-source (default: the LB's address on the interface toward the endpoint). In an HA pair give it the floating server-side address (--ha-vip), so that replies reach whichever instance is MASTER.",
            valueName: "pool"))
    var onearmSource: String?

    @Option(
        help:
            "Conntrack entries to size the table for, two per flow (default 262144). The table gets twice as many slots, rounded up to a power of two, 160 bytes each (default 80 MiB): an entry may only sit in the \(ConntrackTable.probes) slots from its home slot. A pinned table of another size is not reused."
    )
    var ctEntries: UInt32?

    @Option(
        help:
            "Services the datapath holds (default \(Limits.maxServices), at most \(DatapathCapacity.servicesRange.upperBound)). The service match table gets two entries per service (ports of a range and secondary VIPs take one each), at least \(Limits.minServiceKeys)."
    )
    var maxServices: Int?

    @Option(
        help:
            "Endpoint slots of all services together (default \(Limits.endpointEntries); a service has at most \(Limits.maxEndpointsPerService)). Allocated as used, about 200 bytes each with the counters."
    )
    var endpointEntries: Int?

    @Option(
        help:
            "Services that may use hash, priority or persist at once (default \(Limits.selectionTables)); each has a selection table of 128 KiB, allocated as used."
    )
    var selectionTables: Int?

    /// The datapath sizing the flags ask for.
    var capacity: DatapathCapacity {
        DatapathCapacity(
            maxServices: maxServices ?? Limits.maxServices, endpointEntries: endpointEntries ?? Limits.endpointEntries,
            selectionTables: selectionTables ?? Limits.selectionTables)
    }

    @Flag(help: "Detach the datapath from the interfaces when the daemon exits (default: keep forwarding).")
    var detachOnExit = false

    @OptionGroup(title: "REST API") var api: APIOptions

    @OptionGroup(title: "BGP") var bgp: BGPOptions

    @OptionGroup(title: "High availability") var ha: HAOptions

    @OptionGroup(title: "L7 proxy (fullproxy rules)") var proxy: ProxyOptions

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard ctGcInterval >= 1 else { throw ValidationError("--ct-gc-interval must be at least 1 second") }
        if let fullnatSource {
            do {
                _ = try SNATPool(parsing: fullnatSource, field: "--fullnat-source")
            } catch {
                throw ValidationError(error.description)
            }
        }
        if let onearmSource {
            do {
                _ = try SNATPool(parsing: onearmSource, field: "--onearm-source")
            } catch {
                throw ValidationError(error.description)
            }
        }
        if let ctEntries, !(1024...16_777_216).contains(ctEntries) {
            throw ValidationError("--ct-entries must be 1024...16777216")
        }
        if let problem = capacity.problem { throw ValidationError(problem) }
    }

    func run() async throws {
        HeapTrim.fixMmapThreshold()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "swiftlb")
        guard geteuid() == 0 else {
            throw ValidationError("swiftlb needs root (it loads BPF programs and attaches them to interfaces)")
        }
        let apiGate = ConnectionGate(
            limit: DescriptorBudget.apply(requested: api.apiMaxConnections, logger: logger), logger: logger)
        let apiSettings = try api.settings(maxConnections: apiGate.limit, logger: logger)
        let config: SQLiteConfigStore
        do {
            config = try SQLiteConfigStore(path: configDb)
        } catch {
            throw ValidationError("cannot open the configuration database \(configDb): \(error)")
        }
        // The API answers from the stored rules while the kernel loads the datapath (DatapathStartup).
        let deferred = DeferredDatapath()
        let store = RuleStore(config: config, datapath: deferred, logger: logger, capacity: capacity)
        await store.useOnearmSource(onearmSource.flatMap { try? SNATPool(parsing: $0, field: "--onearm-source") })
        try await store.restoreTable()
        try await store.restoreEndpoints()
        let firewallHandoff = FirewallHandoff()
        let firewall = FirewallStore(persistence: config, datapath: firewallHandoff)
        do {
            try await firewall.restore()
        } catch {
            throw ValidationError("cannot load the firewall rules from \(configDb): \(error)")
        }
        let sessionHandoff = GTPSessionHandoff(resegmentPair: GSOResegmentPair(), logger: logger)
        let sessions = GTPSessionStore(persistence: config, datapath: sessionHandoff)
        do {
            try await sessions.restore()
        } catch {
            throw ValidationError("cannot load the GTP-U sessions from \(configDb): \(error)")
        }
        let policyHandoff = PolicyHandoff()
        let policies = PolicyStore(
            persistence: config, datapath: policyHandoff, rules: { await store.serviceIDsByName() })
        do {
            try await policies.restore()
        } catch {
            throw ValidationError("cannot load the QoS policies from \(configDb): \(error)")
        }
        let mirrorHandoff = MirrorHandoff()
        let mirrors = MirrorStore(persistence: config, datapath: mirrorHandoff) { name in
            await store.serviceIDs(selectedBy: name)
        }
        do {
            try await mirrors.restore()
        } catch {
            throw ValidationError("cannot load the mirrors from \(configDb): \(error)")
        }
        let bgpSubsystem = try await bgp.makeSubsystem(config: config, configDb: configDb, store: store, logger: logger)
        let bfd = BFDManager(store: config, logger: logger)
        do {
            try await bfd.restore()
        } catch {
            throw ValidationError("cannot load the BFD sessions from \(configDb): \(error)")
        }
        let haSubsystem = try await ha.makeSubsystem(
            config: config, configDb: configDb, store: store, bfd: bfd, bgp: bgpSubsystem?.service,
            bgpPolicy: bgp.policy, firewall: firewall, logger: logger)
        let startup = DatapathStartup(
            settings: DatapathStartup.Settings(
                bpffs: datapath.bpffs,
                fullNATSource: fullnatSource.flatMap { try? SNATPool(parsing: $0, field: "--fullnat-source") },
                conntrackEntries: ctEntries, capacity: capacity,
                interfaces: interfaces.map {
                    Set($0.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) })
                },
                gcInterval: ctGcInterval),
            deferred: deferred, store: store, logger: logger, onAttached: haSubsystem.startSync,
            firewall: firewallHandoff, sessions: sessionHandoff, policies: policyHandoff, mirror: mirrorHandoff)
        let proxyService: ProxyService
        do {
            proxyService = try ProxyService(store: store, settings: proxy.settings, logger: logger)
        } catch {
            throw ValidationError("cannot load --proxy-endpoint-ca \(proxy.proxyEndpointCa ?? ""): \(error)")
        }
        let proxyMetrics = proxyService.metrics
        let app = makeApplication(
            store: store, version: VersionInfo(version: SwiftLBVersion.current), settings: apiSettings, gate: apiGate,
            logger: logger,
            features: APIFeatures(
                bgp: bgpSubsystem?.control, bfd: bfd, ha: haSubsystem.controller, firewall: firewall,
                sessions: sessions,
                mirrors: mirrors, policies: policies, extraMetrics: { proxyMetrics.render() }))
        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                .init(service: startup, successTerminationBehavior: .gracefullyShutdownGroup),
                .init(service: HealthProbeService(store: store, prober: NetworkProber.shared, logger: logger)),
                .init(service: proxyService),
                .init(service: app),
                .init(service: PolicySyncService(policies: policies, feed: store.feed, logger: logger)),
                .init(service: MirrorResyncService(mirrors: mirrors, logger: logger)),
            ] + (bgpSubsystem?.services ?? []) + [.init(service: haSubsystem.service)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // A client holding an API connection open must not keep the daemon from exiting.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(10)
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        logger.info(
            "swiftlb started; loading the datapath",
            metadata: ["api": "\(api.url)", "pins": "\(datapath.bpffs)", "config": "\(configDb)"])
        try await group.run()
        await bfd.stop()
        if detachOnExit {
            startup.detachAll()
        } else {
            logger.info("exiting; the datapath stays attached and keeps forwarding")
        }
    }
}
