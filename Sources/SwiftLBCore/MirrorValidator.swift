/// Checks a posted mirror completely, naming the first bad field (HTTP 400), before anything changes.
public enum MirrorValidator {
    /// Longest mirror name (it is a path segment of DELETE and a label in /metrics).
    public static let maxIdentLength = 63

    /// The validated mirror `entry` describes.
    public static func mirror(from entry: MirrorEntry) throws(APIError) -> Mirror {
        let ident = try self.ident(entry.mirrorIdent)
        let destination = try self.destination(entry.mirrorInfo)
        let attachment = try self.attachment(entry.targetObject)
        if case .port(let attached) = attachment {
            switch destination {
            case .span(let port), .rspan(let port, _):
                guard port != attached else {
                    throw .badRequest(
                        field: "targetObject.mirrObjName",
                        message: "a port cannot be mirrored to itself (\(port)): choose another mirror port")
                }
            case .erspan: break
            }
        }
        return Mirror(ident: ident, destination: destination, attachment: attachment, entry: entry.configuration)
    }

    /// A mirror name: 1 to 63 letters, digits, '.', '_' or '-'.
    public static func ident(_ text: String) throws(APIError) -> String {
        guard !text.isEmpty, text.utf8.count <= maxIdentLength,
            text.utf8.allSatisfy({ isNameByte($0) })
        else {
            throw .badRequest(
                field: "mirrorIdent",
                message: "a mirror needs a name of 1 to \(maxIdentLength) letters, digits, '.', '_' or '-'")
        }
        return text
    }

    static func destination(_ info: MirrorInfo) throws(APIError) -> Mirror.Destination {
        switch info.type {
        case 0:
            try zero(info.vlan, "mirrorInfo.vlan", "a SPAN mirror sends untagged copies (use type 1 for RSPAN)")
            return .span(port: try interfaceName(info.port, field: "mirrorInfo.port"))
        case 1:
            guard (1...4094).contains(info.vlan) else {
                throw .badRequest(field: "mirrorInfo.vlan", message: "an RSPAN mirror needs a VLAN id from 1 to 4094")
            }
            return .rspan(port: try interfaceName(info.port, field: "mirrorInfo.port"), vlan: UInt16(info.vlan))
        case 2:
            let remote = try address(info.remoteIP, field: "mirrorInfo.remoteIP")
            let source = try address(info.sourceIP, field: "mirrorInfo.sourceIP")
            guard (1...1023).contains(info.tunnelID) else {
                throw .badRequest(
                    field: "mirrorInfo.tunnelID",
                    message: "an ERSPAN mirror needs a session id (tunnelID) from 1 to 1023")
            }
            try zero(info.vlan, "mirrorInfo.vlan", "an ERSPAN mirror takes no VLAN")
            return .erspan(remote: remote, source: source, session: UInt16(info.tunnelID))
        default:
            throw .badRequest(field: "mirrorInfo.type", message: "the type is 0 (SPAN), 1 (RSPAN) or 2 (ERSPAN)")
        }
    }

    static func attachment(_ target: MirrorTargetObject) throws(APIError) -> Mirror.Attachment {
        switch target.attachment {
        case 1:
            return .port(try interfaceName(target.mirrObjName, field: "targetObject.mirrObjName"))
        case 2:
            let name = target.mirrObjName
            guard !name.isEmpty, name.utf8.count <= 255, !name.utf8.contains(where: { $0 < 0x21 || $0 == 0x7f }) else {
                throw .badRequest(
                    field: "targetObject.mirrObjName",
                    message: "name the LB rule: its name, or \"vip:port/proto\" (e.g. 20.20.20.1:80/tcp)")
            }
            return .rule(name)
        default:
            throw .badRequest(
                field: "targetObject.attachment", message: "the attachment is 1 (a port) or 2 (an LB rule)")
        }
    }

    /// An interface name as the kernel takes it: 1 to 15 bytes, no '/', ':' or whitespace.
    static func interfaceName(_ text: String, field: String) throws(APIError) -> String {
        guard !text.isEmpty, text.utf8.count <= 15, text != ".", text != "..",
            !text.utf8.contains(where: { $0 <= 0x20 || $0 == 0x2f || $0 == 0x3a || $0 >= 0x7f })
        else {
            throw .badRequest(field: field, message: "an interface name of 1 to 15 characters is needed")
        }
        return text
    }

    static func address(_ text: String, field: String) throws(APIError) -> IPAddress {
        guard let address = IPAddress(text), address.isV4, !address.isUnspecified else {
            throw .badRequest(field: field, message: "an ERSPAN mirror needs an IPv4 address here, got \"\(text)\"")
        }
        return address
    }

    private static func zero(_ value: Int, _ field: String, _ message: String) throws(APIError) {
        guard value == 0 else { throw .badRequest(field: field, message: message) }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5a, 0x61...0x7a, 0x2d, 0x2e, 0x5f: return true
        default: return false
        }
    }
}
