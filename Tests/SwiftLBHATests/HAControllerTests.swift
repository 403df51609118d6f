import Logging
import SwiftLBCore
import Synchronization
import Testing

@testable import SwiftLBHA

/// A sync link whose peer announcements the test sets.
final class FakePeerLink: HAPeerLink {
    let changes = StateFeed()
    private let state = Mutex<(peers: [IPAddress: [HAAnnouncement]], sent: [[HAAnnouncement]])>(([:], []))

    func announce(_ announcements: [HAAnnouncement]) async { state.withLock { $0.sent.append(announcements) } }
    func peerAnnouncements() async -> [IPAddress: [HAAnnouncement]] { state.withLock { $0.peers } }

    func setPeer(_ address: IPAddress, _ announcement: HAAnnouncement?) {
        state.withLock { $0.peers[address] = announcement.map { [$0] } }
        changes.publish()
    }

    var lastSent: [HAAnnouncement]? { state.withLock { $0.sent.last } }
}

/// Records what the controller asks of the VIP owner and keeps the resulting set.
final class FakeVIPOwner: VIPOwner {
    struct Call: Equatable {
        var owned: Set<IPAddress>
        var known: Set<IPAddress>
        var announceAll: Bool
    }
    private let state = Mutex<(held: Set<IPAddress>, calls: [Call])>(([], []))

    func hold(_ owned: Set<IPAddress>, of known: Set<IPAddress>, announceAll: Bool) async -> [String] {
        state.withLock { state in
            state.held.subtract(known)
            state.held.formUnion(owned)
            state.calls.append(Call(owned: owned, known: known, announceAll: announceAll))
        }
        return []
    }

    var held: Set<IPAddress> { state.withLock { $0.held } }
    var calls: [Call] { state.withLock { $0.calls } }
}

final class FakeFailures: Sendable {
    let peers = Mutex<Set<IPAddress>>([])
    let up = Mutex<Set<IPAddress>>([])
}

final class RoleLog: Sendable {
    let entries = Mutex<[String]>([])
}

@Suite("HA controller: roles, VIPs, API")
struct HAControllerTests {
    let me = IPAddress("10.9.1.11")!
    let peer = IPAddress("10.9.1.12")!
    let vip = IPAddress("10.9.1.100")!
    let floating = IPAddress("10.9.2.1")!
    let otherVIP = IPAddress("10.9.1.200")!

    func rules() -> [LBRule] {
        var own = HARule.make(vip.description)
        own.name = "web"
        var other = HARule.make(otherVIP.description)
        other.name = "dns:llb-inst1"
        return [own, other]
    }

    func controller(
        peers: [IPAddress]? = nil, link: FakePeerLink? = nil, owner: FakeVIPOwner,
        failures: FakeFailures = FakeFailures(),
        store: InMemoryHAConfigStore = InMemoryHAConfigStore(), hold: Duration = .zero,
        roles: RoleLog? = nil
    ) -> HAController {
        let rules = rules()
        let ha = HAController(
            settings: HAController.Settings(
                peers: peers ?? [peer], priority: 100, vips: [floating], hold: hold, localAddress: me),
            store: store, link: link, failedPeers: { failures.peers.withLock { $0 } },
            upPeers: { failures.up.withLock { $0 } }, rules: { rules }, owner: owner,
            logger: Logger(label: "test"),
            onRole: { name, role in roles?.entries.withLock { $0.append("\(name)=\(role)") } })
        return ha
    }

    func announcement(_ role: HARole, epoch: UInt64 = 1, priority: UInt8 = 100) -> HAAnnouncement {
        HAAnnouncement(instance: "llb-inst0", role: role, priority: priority, epoch: epoch)
    }

    @Test("alone after the hold: MASTER, holding its rules' VIPs and the floating address, announced to peers")
    func aloneBecomesMaster() async {
        let link = FakePeerLink()
        let owner = FakeVIPOwner()
        let roles = RoleLog()
        let ha = controller(link: link, owner: owner, roles: roles)
        await ha.evaluate()
        #expect(await ha.role() == .master)
        #expect(owner.held == [vip, floating])
        #expect(owner.calls.last?.announceAll == true)
        #expect(link.lastSent?.first?.role == .master)
        #expect(link.lastSent?.first?.epoch ?? 0 > 0)
        #expect(roles.entries.withLock { $0 } == ["llb-inst0=MASTER"])
        // The rule of instance llb-inst1 is not this instance's.
        #expect(!owner.held.contains(otherVIP))
    }

    @Test("during the start-up hold nothing is decided; a peer's MASTER makes it BACKUP holding nothing")
    func returningInstanceBacksOff() async {
        let link = FakePeerLink()
        let owner = FakeVIPOwner()
        let ha = controller(link: link, owner: owner, hold: .seconds(60))
        await ha.evaluate()
        #expect(await ha.role() == .notDefined)
        link.setPeer(peer, announcement(.master, priority: 10))
        await ha.evaluate()
        #expect(await ha.role() == .backup)
        #expect(owner.held.isEmpty)
        #expect(owner.calls.last?.known == [vip, floating])
    }

    @Test("a BACKUP takes over when BFD detects the MASTER's failure, and announces every VIP")
    func takeover() async {
        let link = FakePeerLink()
        let owner = FakeVIPOwner()
        let failures = FakeFailures()
        let ha = controller(link: link, owner: owner, failures: failures)
        link.setPeer(peer, announcement(.master))
        await ha.evaluate()
        #expect(await ha.role() == .backup)
        failures.peers.withLock { _ = $0.insert(peer) }
        await ha.evaluate()
        #expect(await ha.role() == .master)
        #expect(owner.held == [vip, floating])
        #expect(owner.calls.last?.announceAll == true)
        // The old MASTER returns (BFD Up again) as BACKUP: nothing moves.
        failures.peers.withLock { $0.removeAll() }
        link.setPeer(peer, announcement(.backup, epoch: 1, priority: 200))
        await ha.evaluate()
        #expect(await ha.role() == .master)
        #expect(owner.calls.last?.announceAll == false)
    }

    @Test("a peer whose sync link dropped but whose BFD session is Up still counts: no split brain")
    func linkDownBFDUp() async {
        let link = FakePeerLink()
        let owner = FakeVIPOwner()
        let failures = FakeFailures()
        failures.up.withLock { _ = $0.insert(peer) }
        let ha = controller(link: link, owner: owner, failures: failures)
        link.setPeer(peer, announcement(.master))
        await ha.evaluate()
        #expect(await ha.role() == .backup)
        link.setPeer(peer, nil)
        await ha.evaluate()
        #expect(await ha.role() == .backup)
        // BFD then says it is down: take over.
        failures.up.withLock { $0.removeAll() }
        failures.peers.withLock { _ = $0.insert(peer) }
        await ha.evaluate()
        #expect(await ha.role() == .master)
    }

    @Test("the run loop follows the link: a peer's link going away triggers takeover without a poll")
    func runLoopFollowsLink() async throws {
        let link = FakePeerLink()
        let owner = FakeVIPOwner()
        let ha = controller(link: link, owner: owner)
        link.setPeer(peer, announcement(.master))
        let loop = Task { await ha.run(following: [], resync: .seconds(600)) }
        defer { loop.cancel() }
        try await waitFor { await ha.role() == .backup }
        link.setPeer(peer, nil)
        try await waitFor { await ha.role() == .master }
        try await waitFor { owner.held.contains(vip) }
    }

    @Test("without peers the API sets the role: MASTER holds the VIPs, BACKUP releases them; stored")
    func externalRoles() async throws {
        let owner = FakeVIPOwner()
        let store = InMemoryHAConfigStore()
        let ha = controller(peers: [], owner: owner, store: store)
        await ha.evaluate()
        #expect(await ha.states() == [HAInstanceState(instance: "llb-inst0", state: "NOT_DEFINED", vip: "0.0.0.0")])
        #expect(owner.held.isEmpty)
        try await ha.set(HAInstanceState(instance: "", state: "MASTER", vip: floating.description))
        #expect(await ha.role() == .master)
        #expect(owner.held == [vip, floating])
        #expect(
            await ha.states() == [HAInstanceState(instance: "llb-inst0", state: "MASTER", vip: floating.description)])
        try await ha.set(HAInstanceState(instance: "llb-inst0", state: "BACKUP", vip: floating.description))
        #expect(await ha.role() == .backup)
        #expect(owner.held.isEmpty)
        #expect(try await store.loadHA().map(\.state) == ["BACKUP"])

        // A restarted daemon without peers takes the stored role again.
        let again = controller(peers: [], owner: FakeVIPOwner(), store: store)
        try await again.restore()
        await again.evaluate()
        #expect(await again.role() == .backup)
    }

    @Test("bad requests and a failing store answer errors and change nothing")
    func badRequests() async throws {
        let owner = FakeVIPOwner()
        let store = InMemoryHAConfigStore()
        let ha = controller(peers: [], owner: owner, store: store)
        for (request, field) in [
            (HAInstanceState(state: "LEADER"), "state"), (HAInstanceState(state: "master"), "state"),
            (HAInstanceState(state: ""), "state"),
            (HAInstanceState(state: "MASTER", vip: "10.0.0.300"), "vip"),
            (HAInstanceState(instance: "a b", state: "MASTER"), "instance"),
        ] {
            await #expect {
                try await ha.set(request)
            } throws: { error in
                guard let error = error as? APIError else { return false }
                return error.status == 400 && error.fields == [field]
            }
        }
        await store.setFailure(ConfigStoreError(operation: "save", reason: "disk full"))
        await #expect(throws: APIError.self) { try await ha.set(HAInstanceState(state: "MASTER")) }
        #expect(await ha.states().map(\.state) == ["NOT_DEFINED"])
        #expect(owner.held.isEmpty)
    }

    @Test("a manual switch-over: MASTER set through the API on the BACKUP gets the newest epoch")
    func manualSwitchover() async throws {
        let link = FakePeerLink()
        let owner = FakeVIPOwner()
        let ha = controller(link: link, owner: owner)
        link.setPeer(peer, announcement(.master, epoch: 5))
        await ha.evaluate()
        #expect(await ha.role() == .backup)
        try await ha.set(HAInstanceState(state: "MASTER"))
        #expect(await ha.role() == .master)
        #expect(link.lastSent?.first?.epoch ?? 0 > 5)
        // Told to step down while the peer is BACKUP with a lower priority: the peer takes over.
        link.setPeer(peer, announcement(.backup, epoch: 5, priority: 50))
        try await ha.set(HAInstanceState(state: "BACKUP"))
        #expect(await ha.role() == .backup)
        #expect(link.lastSent?.first?.priority == 0)
    }

    @Test("before the sync link is attached nothing is decided: the hold starts when it is")
    func holdWaitsForTheLink() async {
        let deferred = DeferredPeerLink()
        let owner = FakeVIPOwner()
        let rules = rules()
        let ha = HAController(
            settings: HAController.Settings(peers: [peer], hold: .zero, localAddress: me),
            store: InMemoryHAConfigStore(),
            link: deferred, failedPeers: { [] }, rules: { rules }, owner: owner, logger: Logger(label: "test"))
        await ha.evaluate()
        #expect(await ha.role() == .notDefined)
        let link = FakePeerLink()
        await deferred.attach(link)
        await ha.evaluate()
        #expect(await ha.role() == .master)
        // The announcement made before attach reached the real link.
        #expect(link.lastSent?.first?.role == .master)
        link.setPeer(peer, announcement(.master, epoch: .max))
        #expect(await deferred.peerAnnouncements()[peer]?.first?.epoch == .max)
    }

    func waitFor(_ condition: () async -> Bool) async throws {
        for _ in 0..<200 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not met within 2 s")
    }
}

/// Rules for HA tests.
enum HARule {
    static func make(_ vip: String) -> LBRule {
        guard let address = IPAddress(vip) else { preconditionFailure("bad fixture VIP \(vip)") }
        let entry = LoadBalancerEntry(
            serviceArguments: ServiceArguments(externalIP: vip, port: 80, protocol: "tcp"), endpoints: [])
        return LBRule(
            key: ServiceKey(vip: address, port: 80, proto: .tcp), name: "", selection: .roundRobin, mode: .dnat,
            endpoints: [], managed: false, inactiveTimeout: 0, entry: entry)
    }
}

/// The rules behind a controller: a list the test changes, a version, and how often they were read.
final class CountedRules: Sendable {
    private let state: Mutex<(rules: [LBRule], version: UInt64, reads: Int)>

    init(_ rules: [LBRule]) { state = Mutex((rules, 1, 0)) }

    func read() -> [LBRule] {
        state.withLock { state in
            state.reads += 1
            return state.rules
        }
    }

    var version: UInt64 { state.withLock { $0.version } }
    var reads: Int { state.withLock { $0.reads } }

    func replace(_ rules: [LBRule]) {
        state.withLock { state in
            state.rules = rules
            state.version += 1
        }
    }
}

@Suite("HA controller: reading the rules")
struct HAControllerRuleReadTests {
    @Test("the rules are read again only when their version changed, and a changed VIP moves at once")
    func rulesReadOncePerVersion() async {
        let vip = IPAddress("10.9.1.100")!
        let moved = IPAddress("10.9.1.101")!
        var rule = HARule.make(vip.description)
        rule.name = "web"
        let rules = CountedRules([rule])
        let owner = FakeVIPOwner()
        let ha = HAController(
            settings: HAController.Settings(peers: [], priority: 100, hold: .zero, localAddress: .v4(0)),
            store: InMemoryHAConfigStore(), link: nil, failedPeers: { [] }, rules: { rules.read() },
            rulesVersion: { rules.version }, owner: owner, logger: Logger(label: "test"))
        try? await ha.set(HAInstanceState(instance: HAInstanceState.defaultInstance, state: "MASTER"))
        await ha.evaluate()
        await ha.evaluate()
        await ha.evaluate()
        #expect(owner.held == [vip])
        #expect(rules.reads == 1)
        var changed = HARule.make(moved.description)
        changed.name = "web"
        rules.replace([changed])
        await ha.evaluate()
        #expect(owner.held == [moved])
        #expect(rules.reads == 2)
    }
}
