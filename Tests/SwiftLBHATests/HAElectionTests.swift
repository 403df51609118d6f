import SwiftLBCore
import SwiftLBHA
import Testing

/// The election rules (HAElection): each case is what one instance decides from one view of its
/// peers, and the two-instance cases check that both sides reach complementary roles.
@Suite("HA election")
struct HAElectionTests {
    let a = IPAddress("10.0.0.11")!
    let b = IPAddress("10.0.0.12")!

    func local(
        _ role: HARole, priority: UInt8 = 100, epoch: UInt64 = 0, address: IPAddress? = nil, yielding: Bool = false,
        holdOver: Bool = true
    ) -> HAElection.Local {
        HAElection.Local(
            role: role, priority: priority, epoch: epoch, address: address ?? a, yielding: yielding, holdOver: holdOver)
    }

    func peer(
        _ role: HARole?, priority: UInt8 = 100, epoch: UInt64 = 0, address: IPAddress? = nil, bfdAlive: Bool = true
    ) -> HAElection.Peer {
        HAElection.Peer(
            address: address ?? b,
            announcement: role.map {
                HAAnnouncement(instance: "llb-inst0", role: $0, priority: priority, epoch: epoch)
            },
            bfdAlive: bfdAlive)
    }

    @Test("a lone instance waits out the start-up hold, then becomes MASTER")
    func loneInstance() {
        #expect(HAElection.decide(local(.notDefined, holdOver: false), peers: []) == .notDefined)
        #expect(HAElection.decide(local(.notDefined, holdOver: true), peers: []) == .master)
        #expect(HAElection.decide(local(.notDefined, holdOver: true), peers: [peer(nil)]) == .master)
    }

    @Test("a BACKUP whose peer's BFD session went down takes over, even during the hold")
    func takeoverOnBFDDown() {
        let view = [peer(.master, epoch: 5, bfdAlive: false)]
        #expect(HAElection.decide(local(.backup), peers: view) == .master)
        #expect(HAElection.decide(local(.backup), peers: [peer(.master, epoch: 5)]) == .backup)
        // The sync link gone (the peer's process died and the kernel closed its socket).
        #expect(HAElection.decide(local(.backup), peers: [peer(nil)]) == .master)
    }

    @Test("a live MASTER is never preempted, whatever the priorities")
    func noPreemption() {
        let returning = local(.notDefined, priority: 200, holdOver: false)
        #expect(HAElection.decide(returning, peers: [peer(.master, priority: 10, epoch: 9)]) == .backup)
        #expect(
            HAElection.decide(local(.backup, priority: 255), peers: [peer(.master, priority: 1, epoch: 9)]) == .backup)
    }

    @Test("with no MASTER, the highest priority takes over and the other waits")
    func priorityDecides() {
        #expect(
            HAElection.decide(local(.notDefined, priority: 150), peers: [peer(.notDefined, priority: 100)]) == .master)
        #expect(
            HAElection.decide(local(.notDefined, priority: 100), peers: [peer(.notDefined, priority: 150)]) == .backup)
        // Equal priorities: the lower address, decided the same way from both sides.
        let fromA = HAElection.decide(local(.notDefined, address: a), peers: [peer(.notDefined, address: b)])
        let fromB = HAElection.decide(local(.notDefined, address: b), peers: [peer(.notDefined, address: a)])
        #expect(fromA == .master)
        #expect(fromB == .backup)
    }

    @Test("two MASTERs after a cut link is restored: the more recent stays, from both sides")
    func splitBrainHeals() {
        let older = local(.master, priority: 200, epoch: 1_000, address: a)
        let newer = local(.master, priority: 100, epoch: 2_000, address: b)
        #expect(HAElection.decide(older, peers: [peer(.master, priority: 100, epoch: 2_000, address: b)]) == .backup)
        #expect(HAElection.decide(newer, peers: [peer(.master, priority: 200, epoch: 1_000, address: a)]) == .master)
        // Same epoch: priority, then address.
        let tieA = local(.master, priority: 100, epoch: 7, address: a)
        let tieB = local(.master, priority: 100, epoch: 7, address: b)
        #expect(HAElection.decide(tieA, peers: [peer(.master, epoch: 7, address: b)]) == .master)
        #expect(HAElection.decide(tieB, peers: [peer(.master, epoch: 7, address: a)]) == .backup)
    }

    @Test("a yielding instance lets a lower-priority peer take over but still serves alone")
    func yielding() {
        let stepDown = local(.backup, priority: 200, yielding: true)
        #expect(HAElection.decide(stepDown, peers: [peer(.backup, priority: 50)]) == .backup)
        #expect(HAElection.decide(stepDown, peers: []) == .master)
    }

    @Test("a MASTER without rivals stays MASTER")
    func masterStays() {
        #expect(
            HAElection.decide(local(.master, priority: 1, epoch: 3), peers: [peer(.backup, priority: 255)]) == .master)
        #expect(HAElection.decide(local(.master, holdOver: false), peers: []) == .master)
    }
}

@Suite("HA instance names")
struct HAInstanceNameTests {
    @Test("a rule belongs to the instance after the first colon of its name, else to llb-inst0")
    func ruleInstances() {
        #expect(HAInstanceState.instance(ofRuleNamed: "") == "llb-inst0")
        #expect(HAInstanceState.instance(ofRuleNamed: "web") == "llb-inst0")
        #expect(HAInstanceState.instance(ofRuleNamed: "web:llb-inst1") == "llb-inst1")
        #expect(HAInstanceState.instance(ofRuleNamed: "web:") == "llb-inst0")
        #expect(HAInstanceState.instance(ofRuleNamed: "a:b:c") == "b")
    }
}
