import SwiftLBBGP
import SwiftLBCore

/// A BGP speaker in memory: it records peers and announced routes, can be told to fail calls, and
/// serves scripted learned routes.
actor InMemorySpeaker: BGPSpeaker {
    private(set) var peerTable: [IPAddress: BGPPeer] = [:]
    private(set) var routes: [IPAddress: Advertisement] = [:]
    private(set) var calls: [String] = []
    var learned: [LearnedRoute] = []
    var failing = false
    var started = true

    init(peers: [BGPPeer] = []) {
        for peer in peers { peerTable[peer.address] = peer }
    }

    func setFailing(_ value: Bool) { failing = value }
    func setLearned(_ routes: [LearnedRoute]) { learned = routes }

    private func call(_ name: String) throws {
        guard !failing else { throw SpeakerDown() }
        calls.append(name)
    }

    func runningGlobal() async throws -> (asn: UInt32, routerID: String)? {
        try call("getBgp")
        return started ? (65001, "10.0.0.1") : nil
    }

    func peers() async throws -> [PeerStatus] {
        try call("listPeer")
        return peerTable.values.sorted().map { PeerStatus(peer: $0, state: "established", secondsInState: 1) }
    }

    func addPeer(_ peer: BGPPeer) async throws {
        try call("addPeer \(peer.address)")
        peerTable[peer.address] = peer
    }

    func deletePeer(_ address: IPAddress) async throws {
        try call("deletePeer \(address)")
        peerTable[address] = nil
    }

    func announce(_ advertisement: Advertisement) async throws {
        try call("addPath \(advertisement)")
        routes[advertisement.vip] = advertisement
    }

    func withdraw(_ advertisement: Advertisement) async throws {
        try call("deletePath \(advertisement.prefix)")
        routes[advertisement.vip] = nil
    }

    func learnedRoutes() async throws -> [LearnedRoute] {
        try call("listPath")
        return learned
    }

    func close() async {}

    func announced() -> [String] { routes.values.sorted().map(\.description) }
    func clearCalls() { calls = [] }
}

struct SpeakerDown: Error {}

/// Rules for planner tests.
enum Rules {
    static func rule(
        _ vip: String, port: UInt16 = 80, bgp: Bool = true, active: [Bool] = [true]
    ) -> LBRule {
        guard let address = IPAddress(vip) else { preconditionFailure("bad fixture VIP \(vip)") }
        var entry = LoadBalancerEntry(
            serviceArguments: ServiceArguments(externalIP: vip, port: Int(port), protocol: "tcp", bgp: bgp),
            endpoints: [])
        entry.serviceArguments.bgp = bgp
        let endpoints = active.enumerated().map { index, up in
            DatapathEndpoint(address: .v4(0x0A01_0000 + UInt32(index)), port: 8080, weight: 1, active: up)
        }
        return LBRule(
            key: ServiceKey(vip: address, port: port, proto: .tcp), name: "", selection: .roundRobin, mode: .dnat,
            endpoints: endpoints, managed: false, inactiveTimeout: 0, entry: entry)
    }

    static func ip(_ text: String) -> IPAddress {
        guard let address = IPAddress(text) else { preconditionFailure("bad fixture address \(text)") }
        return address
    }
}
