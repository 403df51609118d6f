import SwiftLBCore

/// loxicmd's `--mirrorInfo` and `--targetObject` values: `key:value` pairs separated by commas
/// (each flag may repeat). A value may hold ':' itself (a rule named "20.20.20.1:80/tcp").
public enum MirrorSpec {
    /// `--mirrorInfo`: type, port, vlan, remoteIP, sourceIP, tunnelID.
    public static func info(_ values: [String]) throws(CLIError) -> MirrorInfo {
        var info = MirrorInfo()
        for (key, value) in try pairs(values, flag: "--mirrorInfo") {
            switch key {
            case "type": info.type = try number(value, key)
            case "port": info.port = value
            case "vlan": info.vlan = try number(value, key)
            case "remoteIP": info.remoteIP = value
            case "sourceIP": info.sourceIP = value
            case "tunnelID": info.tunnelID = try number(value, key)
            default:
                throw .invalidInput(
                    "--mirrorInfo: unknown key \(key) (type, port, vlan, remoteIP, sourceIP or tunnelID)")
            }
        }
        return info
    }

    /// `--targetObject`: attachement (loxicmd's spelling; attachment also read), mirrObjName.
    public static func target(_ values: [String]) throws(CLIError) -> MirrorTargetObject {
        var target = MirrorTargetObject()
        for (key, value) in try pairs(values, flag: "--targetObject") {
            switch key {
            case "attachement", "attachment": target.attachment = try number(value, key)
            case "mirrObjName": target.mirrObjName = value
            default: throw .invalidInput("--targetObject: unknown key \(key) (attachement or mirrObjName)")
            }
        }
        return target
    }

    private static func pairs(_ values: [String], flag: String) throws(CLIError) -> [(String, String)] {
        var result: [(String, String)] = []
        for part in values.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: true) }) {
            guard let colon = part.firstIndex(of: ":"), colon != part.startIndex else {
                throw .invalidInput("\(flag): '\(part)' is not key:value")
            }
            result.append((String(part[..<colon]), String(part[part.index(after: colon)...])))
        }
        return result
    }

    private static func number(_ text: String, _ key: String) throws(CLIError) -> Int {
        guard let value = Int(text) else { throw .invalidInput("\(key) must be a number, got '\(text)'") }
        return value
    }
}
