import Foundation
import Logging
import SwiftLBCore

/// The daemon's HA instances (loxilb's `/config/cistate`): each instance's role, decided by
/// election among the peers (`HAElection`) or, without peers, set by an external controller
/// through the API (as kube-loxilb's `--setRoles` does). A MASTER holds the instance's VIPs (its
/// rules' VIPs and its floating addresses) and announces them; a BACKUP holds none. Roles are
/// announced to the peers on the sync link, and every role change goes to `onRole` (BGP
/// preference).
public actor HAController: HAControl {
    /// How this instance takes part.
    public struct Settings: Sendable {
        /// The other instances; empty: no election, roles come from the API.
        public var peers: [IPAddress]
        public var priority: UInt8
        /// Floating addresses of the default instance (besides any set through the API).
        public var vips: [IPAddress]
        /// How long a starting instance listens for a MASTER before it serves alone.
        public var hold: Duration
        /// The address the peers know this instance by (election tie-break).
        public var localAddress: IPAddress

        public init(
            peers: [IPAddress], priority: UInt8 = 100, vips: [IPAddress] = [], hold: Duration = .seconds(3),
            localAddress: IPAddress
        ) {
            self.peers = peers
            self.priority = priority
            self.vips = vips
            self.hold = hold
            self.localAddress = localAddress
        }
    }

    /// One instance as this daemon holds it.
    struct Instance {
        var name: String
        var role: HARole = .notDefined
        var epoch: UInt64 = 0
        var yielding = false
        /// Set through the API: the role asked for (used as is without peers) and the floating address.
        var requested: HARole?
        var vip: IPAddress?
    }

    let settings: Settings
    let store: any HAConfigStore
    let link: (any HAPeerLink)?
    /// Peers whose BFD session detected a failure.
    let failedPeers: @Sendable () -> Set<IPAddress>
    /// Peers whose BFD session is Up.
    let upPeers: @Sendable () -> Set<IPAddress>
    /// The rules (for their VIPs and instances).
    let rules: @Sendable () async -> [LBRule]
    /// A version that changes whenever the rules do (nil: the rules are read at every decision).
    let rulesVersion: (@Sendable () -> UInt64)?
    /// The rules' VIPs by instance, as of a rules version: a decision every second (and every
    /// 50 ms under churn) would otherwise copy every rule each time.
    private var ruleVIPs: (version: UInt64, byInstance: [String: Set<IPAddress>])?
    let owner: any VIPOwner
    let onRole: @Sendable (String, HARole) async -> Void
    let logger: Logger
    /// When the start-up hold began: at the first decision with the sync link attached (nil: not yet).
    private var holdStarted: ContinuousClock.Instant?
    private var instances: [String: Instance] = [:]
    /// Every VIP this daemon may have held, so that a BACKUP removes ones a rule no longer names.
    private var known: Set<IPAddress> = []
    private var announced: [HAAnnouncement] = []
    /// Each peer's last announcements, kept after its link drops: while its BFD session stays Up it
    /// is alive (a sync link blocked or restarting must not cause a split brain).
    private var lastHeard: [IPAddress: [HAAnnouncement]] = [:]
    /// A new version after every role change (tests and the API follow it).
    public nonisolated let changes = StateFeed()
    /// Wakes the loop (the API's changes, the feeds it follows).
    nonisolated let wake = StateFeed()

    public init(
        settings: Settings, store: any HAConfigStore, link: (any HAPeerLink)?,
        failedPeers: @escaping @Sendable () -> Set<IPAddress>,
        upPeers: @escaping @Sendable () -> Set<IPAddress> = { [] },
        rules: @escaping @Sendable () async -> [LBRule], rulesVersion: (@Sendable () -> UInt64)? = nil,
        owner: any VIPOwner, logger: Logger, onRole: @escaping @Sendable (String, HARole) async -> Void = { _, _ in }
    ) {
        self.settings = settings
        self.store = store
        self.link = link
        self.failedPeers = failedPeers
        self.upPeers = upPeers
        self.rules = rules
        self.rulesVersion = rulesVersion
        self.owner = owner
        self.onRole = onRole
        self.logger = logger
        // Listed from the start (NOT_DEFINED until decided or set), as loxilb lists it.
        instances[HAInstanceState.defaultInstance] = Instance(name: HAInstanceState.defaultInstance)
    }

    /// Loads the instances set through the API. Without peers their requested roles apply at once;
    /// with peers a restarted instance elects again (a stored MASTER could be stale).
    public func restore() async throws(ConfigStoreError) {
        for stored in try await store.loadHA() {
            var instance = instances[stored.instance] ?? Instance(name: stored.instance)
            instance.requested = HARole(name: stored.state)
            instance.vip = stored.address
            instances[stored.instance] = instance
        }
    }

    public func set(_ request: HAInstanceState) async throws(APIError) {
        let state = try request.validated()
        do {
            try await store.saveHA(state)
        } catch {
            throw .internalError(
                "saving HA instance \(state.instance) failed (\(error)); nothing was changed. Check that the config "
                    + "database is writable and retry")
        }
        var instance = instances[state.instance] ?? Instance(name: state.instance)
        let role = HARole(name: state.state) ?? .backup
        instance.requested = role
        instance.vip = state.address
        if !settings.peers.isEmpty {
            // A manual switch-over: a new MASTER with the newest epoch wins over the old one; a
            // MASTER told to step down lets the others take over.
            instance.yielding = role == .backup
            if role == .master, instance.role != .master {
                instance.epoch = Self.wallClockMilliseconds()
            }
            instance.role = role
        }
        instances[state.instance] = instance
        logger.notice("HA state set through the API", metadata: ["instance": "\(state.instance)", "state": "\(role)"])
        await evaluate()
    }

    public func metrics() -> HAMetrics {
        HAMetrics(instances: states(), sync: link?.counters())
    }

    public func states() -> [HAInstanceState] {
        instances.values.sorted { $0.name < $1.name }.map { instance in
            HAInstanceState(
                instance: instance.name, state: instance.role.description, vip: instance.vip?.description ?? "0.0.0.0")
        }
    }

    /// The role of `instance` now.
    public func role(of instance: String = HAInstanceState.defaultInstance) -> HARole {
        instances[instance]?.role ?? .notDefined
    }

    /// Decides and applies until cancelled: on every change of `feeds` (rules, BFD, the sync
    /// link), on API changes, and at least every `resync` (the start-up hold's end, an interface
    /// that came up late, an address someone removed).
    public func run(following feeds: [StateFeed], resync: Duration = .seconds(1)) async {
        await withTaskGroup(of: Void.self) { group in
            for feed in feeds + (link.map { [$0.changes] } ?? []) {
                group.addTask { [wake] in
                    var seen = feed.version
                    while !Task.isCancelled {
                        seen = await feed.next(after: seen)
                        wake.publish()
                    }
                }
            }
            group.addTask {
                var seen: UInt64 = 0
                while !Task.isCancelled {
                    let started = ContinuousClock.now
                    await self.evaluate()
                    seen = await self.wake.next(after: seen, timeout: resync)
                    // A burst of rule changes costs one decision per 50 ms, not one per batch (each
                    // reads every rule); news after a quiet spell (BFD Down) is acted on at once.
                    let since = ContinuousClock.now - started
                    if since < .milliseconds(50) { try? await Task.sleep(for: .milliseconds(50) - since) }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// One decision for every instance, then the VIPs held to match.
    public func evaluate() async {
        let current = await link?.peerAnnouncements() ?? [:]
        lastHeard.merge(current) { _, new in new }
        let failed = failedPeers()
        let up = upPeers()
        // A peer heard on the link now, or heard before and still Up on BFD.
        let peers = lastHeard.filter { address, _ in current[address] != nil || up.contains(address) }
        if holdStarted == nil, link?.isAttached ?? true { holdStarted = .now }
        let holdOver = holdStarted.map { ContinuousClock.now - $0 >= settings.hold } ?? false
        var becameMaster = false
        var changed: [(String, HARole)] = []
        for name in instances.keys.sorted() {
            guard var instance = instances[name] else { continue }
            let role: HARole
            if settings.peers.isEmpty {
                role = instance.requested ?? .notDefined
            } else {
                let views = settings.peers.map { address in
                    HAElection.Peer(
                        address: address, announcement: peers[address]?.first { $0.instance == name },
                        bfdAlive: !failed.contains(address))
                }
                if instance.yielding, views.contains(where: { $0.alive && $0.announcement?.role == .master }) {
                    instance.yielding = false
                }
                role = HAElection.decide(
                    HAElection.Local(
                        role: instance.role, priority: settings.priority, epoch: instance.epoch,
                        address: settings.localAddress, yielding: instance.yielding, holdOver: holdOver),
                    peers: views)
            }
            if role != instance.role || (role == .master && instance.epoch == 0) {
                logger.notice(
                    "HA instance \(name) is now \(role)",
                    metadata: ["was": "\(instance.role)", "peers-seen": "\(peers.keys.sorted())"])
                if role == .master, instance.role != .master || instance.epoch == 0 {
                    instance.epoch = Self.wallClockMilliseconds()
                    becameMaster = true
                }
                if role != instance.role { changed.append((name, role)) }
                instance.role = role
            }
            instances[name] = instance
        }
        // The VIPs first: a takeover's gratuitous ARP must not wait for a BGP pass.
        await holdVIPs(announceAll: becameMaster)
        await announce()
        for (name, role) in changed { await onRole(name, role) }
        if !changed.isEmpty { changes.publish() }
    }

    /// Adds or removes the VIPs so that exactly the MASTER instances' ones are held here. Only
    /// instances under HA (peers configured, or a role set through the API) are touched.
    private func holdVIPs(announceAll: Bool) async {
        // Without HA nothing is held: the rules are not even read.
        guard instances.values.contains(where: isManaged) || !known.isEmpty else { return }
        let vipsByInstance = await self.vipsByInstance()
        var owned: Set<IPAddress> = []
        var managed: Set<IPAddress> = []
        for (name, vips) in vipsByInstance {
            guard let instance = instances[name], isManaged(instance) else { continue }
            known.formUnion(vips)
            managed.formUnion(vips)
            if instance.role == .master { owned.formUnion(vips) }
        }
        // VIPs a rule no longer names (or a MASTER role lost) are released too.
        let released = known.subtracting(vipsByInstance.values.reduce(into: Set()) { $0.formUnion($1) })
        let problems = await owner.hold(owned, of: managed.union(released), announceAll: announceAll)
        for problem in problems { logger.warning("cannot hold VIP", metadata: ["error": "\(problem)"]) }
    }

    /// Releases every VIP this daemon holds (graceful shutdown: the peer takes over and must be the
    /// only one answering ARP for them).
    public func releaseAll() async {
        guard !known.isEmpty else { return }
        let problems = await owner.hold([], of: known, announceAll: false)
        for problem in problems { logger.warning("cannot release VIP", metadata: ["error": "\(problem)"]) }
        logger.notice("released the VIPs at shutdown", metadata: ["vips": "\(known.count)"])
    }

    private func isManaged(_ instance: Instance) -> Bool {
        !settings.peers.isEmpty || instance.requested != nil
    }

    /// Each HA instance's VIPs: its rules' VIPs and its floating addresses.
    private func vipsByInstance() async -> [String: Set<IPAddress>] {
        var result: [String: Set<IPAddress>] = [:]
        for instance in instances.values {
            var vips = Set(instance.vip.map { [$0] } ?? [])
            if instance.name == HAInstanceState.defaultInstance { vips.formUnion(settings.vips) }
            result[instance.name] = vips
        }
        for (name, vips) in await ruleVIPsByInstance() where result[name] != nil {
            result[name, default: []].formUnion(vips)
        }
        return result
    }

    /// Every rule's VIPs by the instance its name binds it to; read again only when the rules changed.
    private func ruleVIPsByInstance() async -> [String: Set<IPAddress>] {
        // Read before the rules: a change in between makes the next decision read them again.
        let version = rulesVersion?()
        if let version, let cached = ruleVIPs, cached.version == version { return cached.byInstance }
        var byInstance: [String: Set<IPAddress>] = [:]
        for rule in await rules() {
            let name = HAInstanceState.instance(ofRuleNamed: rule.name)
            for vip in [rule.key.vip] + rule.secondaryVIPs where !vip.isUnspecified {
                byInstance[name, default: []].insert(vip)
            }
        }
        if let version { ruleVIPs = (version, byInstance) }
        return byInstance
    }

    private func announce() async {
        guard let link else { return }
        let now = instances.values.sorted { $0.name < $1.name }.map { instance in
            HAAnnouncement(
                instance: instance.name, role: instance.role, priority: instance.yielding ? 0 : settings.priority,
                epoch: instance.epoch)
        }
        guard now != announced else { return }
        announced = now
        await link.announce(now)
    }

    static func wallClockMilliseconds() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    }
}
