/// Checks loxilb session and classifier entries completely before anything changes (400 naming
/// the field) and builds the values the store keeps.
public enum GTPSessionValidator {
    /// Longest user name kept (loxilb has no limit; this one keeps the store and GET bounded).
    public static let maxIdentLength = 128
    /// Classifiers one session may have: one per QFI value.
    public static let maxClassifiers = 64

    /// The session `entry` describes (without classifiers), or a 400 naming the first bad field.
    public static func session(from entry: SessionEntry) throws(APIError) -> GTPSession {
        let ident = try self.ident(entry.ident, field: "ident")
        let ue = try ipv4(entry.sessionIP, field: "sessionIP")
        let access = try tunnel(entry.accessNetworkTunnel, field: "accessNetworkTunnel")
        let core = try tunnel(entry.coreNetworkTunnel, field: "coreNetworkTunnel")
        guard ue != access.address, ue != core.address else {
            throw .badRequest(field: "sessionIP", message: "the UE address cannot be a tunnel's address")
        }
        return GTPSession(ident: ident, ueAddress: ue, accessTunnel: access, coreTunnel: core)
    }

    /// The classifier `entry` describes, or a 400 naming the first bad field.
    public static func classifier(from entry: SessionUlClEntry) throws(APIError) -> (String, GTPClassifier) {
        let ident = try self.ident(entry.ulclIdent, field: "ulclIdent")
        let qfi = entry.ulclArgument.qfi
        guard (0...63).contains(qfi) else {
            throw .badRequest(field: "ulclArgument.qfi", message: "qfi must be 0...63 (6 bits, TS 38.415)")
        }
        let address = try ipv4(entry.ulclArgument.ulclIP, field: "ulclArgument.ulclIP")
        return (ident, GTPClassifier(qfi: UInt8(qfi), address: address))
    }

    /// A user name: not empty, printable, bounded.
    public static func ident(_ text: String, field: String) throws(APIError) -> String {
        guard !text.isEmpty else { throw .badRequest(field: field, message: "\(field) is required") }
        guard text.count <= maxIdentLength, text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0 != "/" }) else {
            throw .badRequest(
                field: field, message: "\(field) must be 1...\(maxIdentLength) printable characters without / or spaces"
            )
        }
        return text
    }

    /// A unicast IPv4 address (sessions are IPv4 only in SwiftLB's datapath).
    static func ipv4(_ text: String, field: String) throws(APIError) -> IPAddress {
        guard let address = IPAddress(text), case .v4(let value) = address else {
            throw .badRequest(field: field, message: "\(field) must be an IPv4 address, not '\(text)'")
        }
        guard value != 0, value != UInt32.max, value >> 28 != 0xe else {
            throw .badRequest(field: field, message: "\(field) must be a unicast address, not \(text)")
        }
        return address
    }

    static func tunnel(_ entry: SessionTunnelEntry, field: String) throws(APIError) -> GTPTunnel {
        guard (1...Int(UInt32.max)).contains(entry.teid) else {
            throw .badRequest(field: "\(field).teID", message: "the TEID must be 1...4294967295")
        }
        return GTPTunnel(teid: UInt32(entry.teid), address: try ipv4(entry.tunnelIP, field: "\(field).tunnelIP"))
    }
}

extension GTPSession {
    /// The session as loxilb's GET shows it.
    public var entry: SessionEntry {
        SessionEntry(
            ident: ident, sessionIP: ueAddress.description,
            accessNetworkTunnel: SessionTunnelEntry(
                teid: Int(accessTunnel.teid), tunnelIP: accessTunnel.address.description),
            coreNetworkTunnel: SessionTunnelEntry(teid: Int(coreTunnel.teid), tunnelIP: coreTunnel.address.description))
    }

    /// Its classifiers as loxilb's GET shows them.
    public var classifierEntries: [SessionUlClEntry] {
        classifiers.map {
            SessionUlClEntry(
                ulclIdent: ident, ulclArgument: SessionUlClArgument(qfi: Int($0.qfi), ulclIP: $0.address.description))
        }
    }
}
