/// How an endpoint is health-checked, with loxilb's names ("ping", "tcp", "udp", "sctp", "http",
/// "https", "none").
public enum ProbeType: String, Sendable, Hashable, CaseIterable {
    /// No probing: the endpoint is always considered up.
    case none
    /// ICMP echo request; up when a reply comes back.
    case ping
    /// TCP connect; up when the handshake completes.
    case tcp
    /// UDP request; up on any reply, down on ICMP port unreachable or silence.
    case udp
    /// SCTP INIT over a raw socket; up on INIT ACK (then ABORT), down on ABORT, ICMP unreachable or silence.
    case sctp
    /// HTTP GET of the probe request path; up on status 200 (and the expected text, if any).
    case http
    /// HTTPS GET, as `http` over TLS (the endpoint's certificate is not verified).
    case https

    /// Parses loxilb's names case-insensitively, and loxicmd's older spellings ("connect-tcp",
    /// "connect-udp", "connect-sctp", "icmp"); "" is nil.
    public init?(name: String) {
        switch name.lowercased() {
        case "connect-tcp": self = .tcp
        case "connect-udp": self = .udp
        case "connect-sctp": self = .sctp
        case "icmp": self = .ping
        default:
            guard let value = ProbeType(rawValue: name.lowercased()) else { return nil }
            self = value
        }
    }

    /// Whether the probe needs a port (every type but `ping` and `none`).
    public var usesPort: Bool { self != .ping && self != .none }

    /// The probe of a monitored rule without probetype, by the rule's protocol (loxilb's defaults).
    public static func defaultType(for proto: L4Protocol) -> ProbeType {
        switch proto {
        case .tcp: return .tcp
        case .udp: return .udp
        case .sctp: return .sctp
        case .icmp: return .ping
        }
    }

    /// Probe types the prober implements.
    public static let supported: [ProbeType] = [.none, .ping, .tcp, .udp, .sctp, .http, .https]

    /// "none, ping, tcp, udp, sctp, http, https", for error messages.
    public static var supportedNames: String { supported.map(\.rawValue).joined(separator: ", ") }
}
