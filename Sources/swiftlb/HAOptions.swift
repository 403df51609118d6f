import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwiftLBBGP
import SwiftLBCore
import SwiftLBDatapath
import SwiftLBHA
import SwiftLBStore

/// The `--ha-*` flags of `swiftlb run`, and the HA subsystem they build.
struct HAOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The other instances of an active-backup pair (comma-separated addresses). Enables election for instance llb-inst0: a BFD session to each (200 ms x 3 unless configured through the API), the conntrack sync link, and roles: the MASTER holds the VIPs (as host addresses on the interface of their subnet, announced with gratuitous ARP / unsolicited NA) and streams its flows; a BACKUP holds none. Without it, roles come from POST /netlox/v1/config/cistate.",
            valueName: "ip,ip"))
    var haPeers: String?

    @Option(
        help:
            "Election priority, 1-255: with no MASTER the highest takes over (then the lower address). A live MASTER is never preempted."
    )
    var haPriority = 100

    @Option(
        help: ArgumentHelp(
            "Floating addresses the MASTER of llb-inst0 holds besides its rules' VIPs (comma-separated): the servers' gateway, the --fullnat-source and --onearm-source address.",
            valueName: "ip,ip"))
    var haVip: String?

    @Option(help: "TCP port of the conntrack sync link (listened on, and dialled at each peer).")
    var haSyncPort = 22222

    @Option(
        help: ArgumentHelp(
            "A file holding a key (at least 16 bytes; a trailing newline is ignored) every instance of the pair shares: each sync connection's peer must prove it holds the key (HMAC-SHA256 over fresh nonces) before its flows or roles are accepted. Without it anyone who reaches --ha-sync-port can write conntrack entries. It authenticates; it does not encrypt.",
            valueName: "path"))
    var haSyncKeyFile: String?

    @Option(help: "Milliseconds a starting instance listens for a MASTER before it serves alone.")
    var haHoldMs = 3000

    @Option(
        help:
            "BFD interval in milliseconds of the sessions --ha-peers creates (x --ha-bfd-retries is the detection time). 100 x 3 lets a takeover finish before TCP's second retransmission (600 ms after a lost segment); loxilb's 200 x 3 often does not. Sessions configured through the API keep their own timers."
    )
    var haBfdIntervalMs = 100

    @Option(help: "BFD detect multiplier of the sessions --ha-peers creates.")
    var haBfdRetries = 3

    func validate() throws {
        _ = try peers()
        _ = try vips()
        guard (1...255).contains(haPriority) else { throw ValidationError("--ha-priority must be 1...255") }
        guard (1...65535).contains(haSyncPort) else { throw ValidationError("--ha-sync-port must be 1...65535") }
        guard (0...600_000).contains(haHoldMs) else { throw ValidationError("--ha-hold-ms must be 0...600000") }
        let intervals = BFDSessionConfig.intervals
        guard intervals.contains(haBfdIntervalMs * 1000) else {
            throw ValidationError(
                "--ha-bfd-interval-ms must be \(intervals.lowerBound / 1000)...\(intervals.upperBound / 1000)")
        }
        guard (1...255).contains(haBfdRetries) else { throw ValidationError("--ha-bfd-retries must be 1...255") }
        _ = try syncKey()
    }

    /// The key of --ha-sync-key-file (nil without it), read and checked.
    func syncKey() throws -> [UInt8]? {
        guard let path = haSyncKeyFile else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("--ha-sync-key-file \(path): cannot read the file")
        }
        var key = [UInt8](data)
        while let last = key.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { key.removeLast() }
        guard key.count >= SyncAuthenticator.minimumKeyLength else {
            throw ValidationError(
                "--ha-sync-key-file \(path): the key has \(key.count) bytes; it needs at least "
                    + "\(SyncAuthenticator.minimumKeyLength) (e.g. head -c 32 /dev/urandom | base64 > \(path))")
        }
        return key
    }

    func peers() throws -> [IPAddress] {
        let peers = try Self.addresses(haPeers, flag: "--ha-peers")
        if let bad = peers.first(where: { !$0.isV4 }) {
            throw ValidationError("--ha-peers \(bad): peers are IPv4 addresses (BFD runs over IPv4 here)")
        }
        return peers
    }

    func vips() throws -> [IPAddress] { try Self.addresses(haVip, flag: "--ha-vip") }

    private static func addresses(_ text: String?, flag: String) throws -> [IPAddress] {
        guard let text else { return [] }
        return try text.split(separator: ",").map { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let address = IPAddress(trimmed), !address.isUnspecified else {
                throw ValidationError("\(flag): \"\(trimmed)\" is not an IP address")
            }
            return address
        }
    }

    /// The controller (always: the API lists and sets roles), the BFD sessions to the peers, and the
    /// service running the election. The default instance's role decides BGP preference and whether
    /// the firewall's onDefault SNAT rules are installed (only off a BACKUP).
    func makeSubsystem(
        config: SQLiteConfigStore, configDb: String, store: RuleStore, bfd: BFDManager, bgp: BGPService?,
        bgpPolicy: AdvertisementPolicy, firewall: FirewallStore, logger: Logger
    ) async throws -> HASubsystem {
        let peers = try peers()
        let link = peers.isEmpty ? nil : DeferredPeerLink()
        let vips = try vips()
        for peer in peers where await !bfd.sessions().contains(where: { $0.remoteIp == peer.description }) {
            do {
                try await bfd.add(
                    BFDSessionConfig(
                        interval: haBfdIntervalMs * 1000, remoteIp: peer.description, retryCount: haBfdRetries))
            } catch {
                throw ValidationError("cannot start the BFD session with HA peer \(peer): \(error)")
            }
        }
        let local = peers.lazy.compactMap { VIPAddresses.localAddress(toward: $0) }.first ?? .v4(0)
        let controller = HAController(
            settings: HAController.Settings(
                peers: peers, priority: UInt8(haPriority), vips: vips, hold: .milliseconds(haHoldMs),
                localAddress: local),
            store: config, link: link, failedPeers: { bfd.failedPeers() }, upPeers: { bfd.upPeers() },
            rules: { await store.desiredState().rules }, rulesVersion: { store.feed.version },
            owner: KernelVIPOwner(logger: logger), logger: logger,
            onRole: { instance, role in
                guard instance == HAInstanceState.defaultInstance else { return }
                do {
                    try await firewall.setStandby(role == .backup)
                } catch {
                    logger.error("HA role \(role): \(error)")
                }
                guard let bgp else { return }
                await bgp.supervisor.setPolicy(Self.policy(role, base: bgpPolicy))
                await bgp.supervisor.pass()
            })
        do {
            try await controller.restore()
        } catch {
            throw ValidationError("cannot load the HA instances from \(configDb): \(error)")
        }
        if !peers.isEmpty {
            logger.info(
                "HA enabled",
                metadata: [
                    "peers": "\(peers)", "priority": "\(haPriority)", "local": "\(local)",
                    "vips": "\(vips)", "sync-port": "\(haSyncPort)",
                ])
        }
        return HASubsystem(
            controller: controller, feeds: [store.feed, bfd.changes], link: link,
            sync: ConntrackSync.Settings(
                listenPort: UInt16(haSyncPort), peers: peers.map { .init(address: $0, port: UInt16(haSyncPort)) },
                authenticationKey: try syncKey()),
            logger: logger)
    }
}

extension HAOptions {
    /// loxilb's preference by role: the MASTER's routes win at the router (LOCAL_PREF 5000, MED 10)
    /// over the BACKUP's (100, 20); the next hops stay as configured.
    static func policy(_ role: HARole, base: AdvertisementPolicy) -> AdvertisementPolicy {
        var policy = base
        let master = role == .master
        policy.localPref = master ? 5000 : 100
        policy.med = master ? 10 : 20
        return policy
    }
}

/// The HA parts the daemon wires: the API's control and the election service.
struct HASubsystem {
    let controller: HAController
    let feeds: [StateFeed]
    /// The sync link's stand-in until the datapath is loaded; nil without peers.
    let link: DeferredPeerLink?
    let sync: ConntrackSync.Settings
    let logger: Logger

    var service: HAService { HAService(controller: controller, feeds: feeds) }

    /// For DatapathStartup: starts the conntrack sync link on the loaded table (with peers only).
    var startSync: (@Sendable (EBPFDatapath) async throws -> (any Service)?)? {
        guard let link else { return nil }
        let (settings, logger) = (sync, logger)
        return { kernel in
            let sync: ConntrackSync
            do {
                sync = try ConntrackSync(
                    settings: settings, table: kernel.conntrack, directory: kernel, persistence: kernel,
                    events: try kernel.conntrackEvents(), logger: logger)
            } catch {
                throw StartupError("cannot start the conntrack sync link on port \(settings.listenPort): \(error)")
            }
            await link.attach(sync)
            logger.info(
                "conntrack sync link started",
                metadata: ["port": "\(sync.listenPort)", "peers": "\(settings.peers.map(\.address))"])
            return sync
        }
    }
}

/// Runs the election until graceful shutdown, then releases the VIPs so that the peer that takes
/// over is the only one answering for them.
struct HAService: Service {
    let controller: HAController
    let feeds: [StateFeed]

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await controller.run(following: feeds)
        }
        await controller.releaseAll()
    }
}
