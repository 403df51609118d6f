import SwiftLBCore

/// Who is MASTER of one instance, decided by each instance alone from what it knows of its peers
/// (their announcements on the sync link, their BFD sessions). Every instance applies the same
/// rules to the same facts, so two that see each other agree:
///
/// 1. No peer alive: MASTER (a lone instance serves), but not before the start-up hold ends, so
///    that a restarted instance first learns whether a MASTER already exists.
/// 2. A live peer is MASTER: BACKUP; no preemption, so a returning instance never takes the
///    VIPs back and flows are not moved twice. When both are MASTER (a cut link restored), the
///    more recent MASTER stays (its announcements are the ones the clients heard last); equal
///    epochs fall to priority, then to the lower address.
/// 3. No live MASTER: the live instance with the highest priority (then the lower address) takes
///    over; the others wait for it. An instance told to step down (`yielding`) takes part with
///    priority 0 until it sees a MASTER.
public struct HAElection: Sendable {
    /// What the deciding instance knows of itself.
    public struct Local: Sendable, Hashable {
        public var role: HARole
        public var priority: UInt8
        public var epoch: UInt64
        /// The address its peers know it by (tie-break).
        public var address: IPAddress
        /// Told to step down: competes with priority 0 until a MASTER appears.
        public var yielding: Bool
        /// The start-up hold is over.
        public var holdOver: Bool

        public init(
            role: HARole, priority: UInt8, epoch: UInt64, address: IPAddress, yielding: Bool = false,
            holdOver: Bool = true
        ) {
            self.role = role
            self.priority = priority
            self.epoch = epoch
            self.address = address
            self.yielding = yielding
            self.holdOver = holdOver
        }
    }

    /// A peer: alive while its sync link is up and BFD (when configured) does not say Down.
    public struct Peer: Sendable, Hashable {
        public var address: IPAddress
        /// Its latest announcement for the instance; nil while no link to it is up.
        public var announcement: HAAnnouncement?
        /// False once a BFD session to it has gone Down; true without BFD.
        public var bfdAlive: Bool

        public init(address: IPAddress, announcement: HAAnnouncement?, bfdAlive: Bool = true) {
            self.address = address
            self.announcement = announcement
            self.bfdAlive = bfdAlive
        }

        var alive: Bool { announcement != nil && bfdAlive }
    }

    /// The role the rules give `local` among `peers`.
    public static func decide(_ local: Local, peers: [Peer]) -> HARole {
        let live = peers.compactMap { peer in peer.alive ? peer.announcement.map { (peer.address, $0) } : nil }
        if live.isEmpty {
            return local.holdOver || local.role == .master ? .master : local.role
        }
        let masters = live.filter { $0.1.role == .master }
        if let newest = masters.max(by: {
            rank($0.1.epoch, $0.1.priority, $0.0) < rank($1.1.epoch, $1.1.priority, $1.0)
        }) {
            guard local.role == .master else { return .backup }
            let mine = rank(local.epoch, local.priority, local.address)
            return mine > rank(newest.1.epoch, newest.1.priority, newest.0) ? .master : .backup
        }
        if local.role == .master { return .master }
        let myPriority = local.yielding ? 0 : local.priority
        let best = live.max { candidate($0.1.priority, $0.0) < candidate($1.1.priority, $1.0) }
        guard let best else { return .master }
        return candidate(myPriority, local.address) > candidate(best.1.priority, best.0) ? .master : .backup
    }

    /// Orders MASTERs: newer epoch, then higher priority, then lower address.
    private static func rank(_ epoch: UInt64, _ priority: UInt8, _ address: IPAddress) -> Rank {
        Rank(first: epoch, second: UInt64(priority), address: address)
    }

    /// Orders candidates: higher priority, then lower address.
    private static func candidate(_ priority: UInt8, _ address: IPAddress) -> Rank {
        Rank(first: UInt64(priority), second: 0, address: address)
    }

    private struct Rank: Comparable {
        var first: UInt64
        var second: UInt64
        var address: IPAddress

        /// Greater wins; of equal numbers the lower address wins, so it compares greater.
        static func < (lhs: Rank, rhs: Rank) -> Bool {
            if lhs.first != rhs.first { return lhs.first < rhs.first }
            if lhs.second != rhs.second { return lhs.second < rhs.second }
            return rhs.address < lhs.address
        }
    }
}
