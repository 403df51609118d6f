/// A BFD session state as the Sta field carries it (RFC 5880 §4.1).
public enum BFDState: UInt8, Sendable, Hashable, CustomStringConvertible {
    case adminDown = 0
    case down = 1
    case initializing = 2
    case up = 3

    /// loxilb's and FRR's spelling: "AdminDown", "Down", "Init", "Up".
    public var description: String {
        switch self {
        case .adminDown: "AdminDown"
        case .down: "Down"
        case .initializing: "Init"
        case .up: "Up"
        }
    }
}

/// Why the local system last changed state (the Diag field, RFC 5880 §4.1); the ones this
/// implementation sets, and any other value a peer sends.
public struct BFDDiagnostic: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x1f }

    public static let none = BFDDiagnostic(rawValue: 0)
    public static let detectionTimeExpired = BFDDiagnostic(rawValue: 1)
    public static let neighborSignaledDown = BFDDiagnostic(rawValue: 3)
    public static let administrativelyDown = BFDDiagnostic(rawValue: 7)

    public var description: String {
        switch rawValue {
        case 0: "none"
        case 1: "control detection time expired"
        case 2: "echo function failed"
        case 3: "neighbor signaled session down"
        case 4: "forwarding plane reset"
        case 5: "path down"
        case 6: "concatenated path down"
        case 7: "administratively down"
        case 8: "reverse concatenated path down"
        default: "diagnostic \(rawValue)"
        }
    }
}
