import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwiftLBBGP
import SwiftLBCore
import SwiftLBStore

/// The `--bgp` flags of `swiftlb run`, and the BGP subsystem they build.
struct BGPOptions: ParsableArguments {
    @Flag(name: .customLong("bgp"), help: "Run gobgpd and advertise the VIPs of rules created with bgp: true.")
    var enabled = false

    @Option(
        name: .customLong("gobgpd"),
        help: ArgumentHelp("The gobgpd executable (default: found in PATH).", valueName: "path"))
    var gobgpdPath: String?

    @Option(name: .customLong("bgp-api-port"), help: "gobgpd's gRPC port on 127.0.0.1 in this namespace.")
    var apiPort = 50051

    @Option(
        name: .customLong("bgp-state-dir"),
        help: ArgumentHelp(
            "Directory for gobgpd's generated config, log and PID file (default: gobgp/ beside --config-db).",
            valueName: "dir"))
    var stateDirectory: String?

    @Flag(
        name: .customLong("bgp-install-routes"), inversion: .prefixedNo,
        help: "Install routes learned from BGP peers into the kernel routing table (protocol 186, metric 20).")
    var installRoutes = true

    @Option(
        name: .customLong("bgp-nexthop"),
        help: ArgumentHelp("Next hop announced for IPv4 VIPs (default: the session's own address).", valueName: "ip"))
    var nextHopV4: String?

    @Option(
        name: .customLong("bgp-nexthop6"),
        help: ArgumentHelp("Next hop announced for IPv6 VIPs (default: the session's own address).", valueName: "ip"))
    var nextHopV6: String?

    @Option(name: .customLong("bgp-local-pref"), help: "LOCAL_PREF announced with every VIP (iBGP peers).")
    var localPref: UInt32?

    @Option(name: .customLong("bgp-med"), help: "MED announced with every VIP (lower is preferred).")
    var med: UInt32?

    func validate() throws {
        guard (1...65535).contains(apiPort) else { throw ValidationError("--bgp-api-port must be 1...65535") }
        if let text = nextHopV4, IPAddress(text)?.isV4 != true {
            throw ValidationError("--bgp-nexthop \(text) is not an IPv4 address")
        }
        if let text = nextHopV6, IPAddress(text).map({ !$0.isV4 }) != true {
            throw ValidationError("--bgp-nexthop6 \(text) is not an IPv6 address")
        }
    }

    /// The advertisement attributes given on the command line.
    var policy: AdvertisementPolicy {
        AdvertisementPolicy(
            nextHopV4: nextHopV4.flatMap(IPAddress.init), nextHopV6: nextHopV6.flatMap(IPAddress.init),
            localPref: localPref, med: med)
    }

    /// The BGP subsystem when `--bgp` is given: the API's control (restored from `config`) and the
    /// service running gobgpd. Nil without `--bgp`.
    func makeSubsystem(
        config: SQLiteConfigStore, configDb: String, store: RuleStore, logger: Logger
    ) async throws -> BGPSubsystem? {
        guard enabled else { return nil }
        let desired = BGPDesiredState(store: config, logger: logger)
        do {
            try await desired.restore()
        } catch {
            throw ValidationError("cannot load the BGP configuration from \(configDb): \(error)")
        }
        let directory =
            stateDirectory
            ?? URL(fileURLWithPath: configDb).deletingLastPathComponent().appendingPathComponent("gobgp").path
        let supervisor = BGPSupervisor(
            config: BGPSupervisorConfig(
                gobgpdPath: gobgpdPath, apiPort: apiPort, stateDirectory: directory, installRoutes: installRoutes,
                policy: policy),
            desired: desired, rules: { await store.desiredState().rules },
            makeSpeaker: { port in try GoBGPClient(port: port) }, kernel: KernelRouteTable(), logger: logger)
        logger.info(
            "BGP enabled",
            metadata: [
                "gobgpd": "\(gobgpdPath ?? "from PATH")", "api": "127.0.0.1:\(apiPort)", "state-dir": "\(directory)",
                "install-routes": "\(installRoutes)",
            ])
        return BGPSubsystem(control: desired, service: BGPService(supervisor: supervisor, feed: store.feed))
    }
}

/// The BGP subsystem's parts the daemon wires: the API's control and the service for the group.
struct BGPSubsystem {
    let control: BGPDesiredState
    let service: BGPService

    /// The group entries to add (started after the API, so shut down before it: routes are withdrawn
    /// first).
    var services: [ServiceGroupConfiguration.ServiceConfiguration] { [.init(service: service)] }
}
