import Logging
import ServiceLifecycle
import SwiftLBCore
import SwiftLBDatapath
import Synchronization

/// Loads the kernel datapath while the API already answers, programs the restored rules into it,
/// attaches it, then keeps it current: interface watch and conntrack sweeps, until shutdown.
///
/// Loading (the verifier checking every program) is most of a restart; the previous instance's
/// pinned programs keep forwarding meanwhile, so reads need not wait for it (DeferredDatapath).
final class DatapathStartup: Service, Sendable {
    struct Settings: Sendable {
        var bpffs: String
        var fullNATSource: SNATPool?
        var conntrackEntries: UInt32?
        var capacity: DatapathCapacity
        var interfaces: Set<String>?
        var gcInterval: Int
    }

    let settings: Settings
    let deferred: DeferredDatapath
    let store: RuleStore
    let logger: Logger
    /// Called once the rules are programmed (HA's conntrack sync needs the loaded table); the service
    /// it returns runs beside the sweeps until shutdown.
    let onAttached: (@Sendable (EBPFDatapath) async throws -> (any Service)?)?
    /// The firewall's pending tables, written once the datapath is loaded.
    let firewall: FirewallHandoff?
    /// GTP-U sessions waiting for the datapath.
    let sessions: GTPSessionHandoff?
    /// The policers' pending state, written once the datapath is loaded.
    let policies: PolicyHandoff?
    /// Mirroring's pending attachments, written once the datapath is loaded.
    let mirror: MirrorHandoff?
    /// Set once attached, for `--detach-on-exit`.
    private let attacher = Mutex<InterfaceAttacher?>(nil)

    init(
        settings: Settings, deferred: DeferredDatapath, store: RuleStore, logger: Logger,
        onAttached: (@Sendable (EBPFDatapath) async throws -> (any Service)?)? = nil, firewall: FirewallHandoff? = nil,
        sessions: GTPSessionHandoff? = nil, policies: PolicyHandoff? = nil, mirror: MirrorHandoff? = nil
    ) {
        self.firewall = firewall
        self.sessions = sessions
        self.policies = policies
        self.mirror = mirror
        self.settings = settings
        self.deferred = deferred
        self.store = store
        self.logger = logger
        self.onAttached = onAttached
    }

    func run() async throws {
        let kernel: EBPFDatapath
        do {
            kernel = try EBPFDatapath(
                pinRoot: settings.bpffs, fullNATSource: settings.fullNATSource,
                conntrackEntries: settings.conntrackEntries, capacity: settings.capacity)
        } catch {
            deferred.fail(error)
            throw StartupError("cannot load the datapath: \(error)")
        }
        deferred.resolve(kernel)
        do {
            // Before the programs attach: the new firewall stages find their rules in place.
            try await firewall?.attach(kernel)
        } catch {
            throw StartupError("cannot write the firewall rules: \(error)")
        }
        do {
            try await sessions?.attach(kernel)
        } catch {
            throw StartupError("cannot write the GTP-U sessions: \(error)")
        }
        do {
            try await policies?.attach(kernel)
        } catch {
            throw StartupError("cannot write the QoS policies: \(error)")
        }
        do {
            try await mirror?.attach(kernel)
        } catch {
            throw StartupError("cannot write the mirrors: \(error)")
        }
        if !kernel.object.recreatedPins.isEmpty {
            logger.notice(
                "pinned maps of another size or layout replaced; every rule is written again",
                metadata: ["maps": "\(kernel.object.recreatedPins.joined(separator: ","))"])
        }
        let programs = try kernel.programs()
        let attacher = InterfaceAttacher(
            ingress: programs.ingress, egress: programs.egress, only: settings.interfaces, logger: logger)
        for name in attacher.missingRequestedInterfaces() {
            logger.warning(
                "requested interface not present yet; will attach when it appears", metadata: ["interface": "\(name)"])
        }
        attacher.sync()
        self.attacher.withLock { $0 = attacher }
        do {
            try kernel.publishStages(pinRoot: settings.bpffs)
        } catch {
            throw StartupError("cannot pin the datapath's stage programs: \(error)")
        }
        let watcher = InterfaceWatchService(attacher: attacher, datapath: kernel, logger: logger)
        await watcher.syncAddresses()
        // Attached first: after a restart the pinned maps still hold the rules, so the new programs
        // forward at once; then every rule is written again (a new build may lay its tables out anew).
        try await store.programRestored()
        HeapTrim.releaseFreePages()  // what decoding the stored rules left behind
        logger.info(
            "datapath attached",
            metadata: ["pins": "\(settings.bpffs)", "interfaces": "\(attacher.attachedNames.joined(separator: ","))"])
        let collector = ConntrackGCService(datapath: kernel, interval: settings.gcInterval, logger: logger)
        let companion = try await onAttached?(kernel)
        await withDiscardingTaskGroup { group in
            group.addTask { try? await watcher.run() }
            group.addTask { try? await collector.run() }
            if let companion { group.addTask { try? await companion.run() } }
        }
    }

    /// Detaches from every interface it attached to (`--detach-on-exit`).
    func detachAll() {
        attacher.withLock { $0 }?.detachAll()
    }
}

/// A start-up failure, printed as the daemon's exit message.
struct StartupError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
