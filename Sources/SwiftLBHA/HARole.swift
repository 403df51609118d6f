/// An instance's role in an HA pair, with loxilb's names (`/config/cistate`).
public enum HARole: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Not decided yet (an instance that just started and has not heard its peers).
    case notDefined = 0
    /// Owns the instance's VIPs: answers for them and streams its conntrack to the peers.
    case master = 1
    /// Stands by: programs the same services, owns no VIP, receives the master's conntrack.
    case backup = 2

    /// loxilb's spelling: "MASTER", "BACKUP", "NOT_DEFINED".
    public var description: String {
        switch self {
        case .notDefined: "NOT_DEFINED"
        case .master: "MASTER"
        case .backup: "BACKUP"
        }
    }

    /// Parses loxilb's spelling (case-insensitive); nil for anything else.
    public init?(name: String) {
        guard let role = HARole.allCases.first(where: { $0.description == name.uppercased() }) else { return nil }
        self = role
    }
}

/// What an instance tells its peers about itself, on the sync connection (`hello`): sent when the
/// connection opens and again whenever it changes. Election (HAElection) decides from these.
public struct HAAnnouncement: Sendable, Hashable {
    /// The cluster instance (loxilb's `llb-inst0` by default).
    public var instance: String
    public var role: HARole
    /// Higher wins when no instance is MASTER; 1...255.
    public var priority: UInt8
    /// Wall-clock milliseconds when this instance last became MASTER (0: never). Of two MASTERs
    /// the more recent one stays: it is the one whose announcements the clients heard last.
    public var epoch: UInt64

    public init(instance: String, role: HARole, priority: UInt8, epoch: UInt64) {
        self.instance = instance
        self.role = role
        self.priority = priority
        self.epoch = epoch
    }
}
