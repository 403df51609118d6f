import SwiftLBCore

/// What has been pushed to one gobgpd incarnation, and the diffing that pushes the rest.
///
/// A fresh gobgpd holds the peers of its config file and no paths, so each new process gets a new
/// `SpeakerSync`: every announcement is pushed again. Within one incarnation a failed call leaves
/// `announced` as it was for that route, so the next pass retries exactly what is missing.
public struct SpeakerSync: Sendable {
    /// Routes announced to this incarnation, by VIP.
    public private(set) var announced: [IPAddress: Advertisement] = [:]

    /// Creates an empty record (a new gobgpd).
    public init() {}

    /// Makes gobgpd's peers match `desired`: missing peers are added, peers gobgpd holds with other
    /// settings are deleted and added again, peers no longer configured are deleted. Returns the peers
    /// as gobgpd reports them afterwards.
    public func syncPeers(_ speaker: any BGPSpeaker, desired: [BGPPeer]) async throws -> [PeerStatus] {
        let current = try await speaker.peers()
        let have = Dictionary(current.map { ($0.peer.address, $0.peer) }, uniquingKeysWith: { first, _ in first })
        let want = Dictionary(desired.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        var changed = false
        for (address, _) in have where want[address] == nil {
            try await speaker.deletePeer(address)
            changed = true
        }
        for peer in desired.sorted() {
            if let existing = have[peer.address] {
                guard existing != peer else { continue }
                try await speaker.deletePeer(peer.address)
            }
            try await speaker.addPeer(peer)
            changed = true
        }
        return changed ? try await speaker.peers() : current
    }

    /// Announces and withdraws so that exactly `desired` is announced. Returns what changed.
    @discardableResult
    public mutating func syncPaths(
        _ speaker: any BGPSpeaker, desired: [Advertisement]
    ) async throws -> (withdrawn: [Advertisement], announced: [Advertisement]) {
        let plan = AdvertisementPlanner.changes(from: Array(announced.values), to: desired)
        for route in plan.withdraw {
            try await speaker.withdraw(route)
            announced[route.vip] = nil
        }
        for route in plan.announce {
            try await speaker.announce(route)
            announced[route.vip] = route
        }
        return (plan.withdraw, plan.announce)
    }
}
