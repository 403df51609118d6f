import SwiftLBCore

/// loxicmd's `--firewallRule="sourceIP:1.2.3.2/32,destinationIP:2.3.1.2/32,preference:200"`:
/// comma-separated `key:value` pairs (an IPv6 prefix keeps its colons).
public enum FirewallRuleSpec {
    /// The match `pairs` describe; unknown keys and bad numbers are refused.
    public static func parse(_ pairs: [String]) throws(CLIError) -> FirewallRuleArguments {
        var rule = FirewallRuleArguments()
        for pair in pairs.flatMap({ $0.split(separator: ",").map(String.init) }) {
            guard let colon = pair.firstIndex(of: ":") else {
                throw .invalidInput("firewallRule '\(pair)' is not key:value")
            }
            let key = String(pair[..<colon])
            let value = String(pair[pair.index(after: colon)...])
            func number() throws(CLIError) -> Int {
                guard let number = Int(value), number >= 0 else {
                    throw .invalidInput("firewallRule \(key) '\(value)' is not a number")
                }
                return number
            }
            switch key {
            case "sourceIP": rule.sourceIP = value
            case "destinationIP": rule.destinationIP = value
            case "minSourcePort": rule.minSourcePort = try number()
            case "maxSourcePort": rule.maxSourcePort = try number()
            case "minDestinationPort": rule.minDestinationPort = try number()
            case "maxDestinationPort": rule.maxDestinationPort = try number()
            case "protocol": rule.protocol = try number()
            case "portName": rule.portName = value
            case "preference": rule.preference = try number()
            default:
                throw .invalidInput(
                    "firewallRule key '\(key)' is unknown; use sourceIP, destinationIP, minSourcePort, maxSourcePort, "
                        + "minDestinationPort, maxDestinationPort, protocol, portName or preference")
            }
        }
        return rule
    }
}
