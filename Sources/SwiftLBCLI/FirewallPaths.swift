import SwiftLBCore

/// loxilb's firewall paths, with the query loxicmd's `delete firewall` builds.
public enum FirewallPaths {
    /// `POST` target for a new rule.
    public static let create = APIRequest.basePath + "/config/firewall"
    /// `GET` of every rule.
    public static let all = APIRequest.basePath + "/config/firewall/all"

    /// `DELETE /config/firewall?sourceIP=...` naming every field of the rule's identity; zero
    /// fields are left out, as the server reads a missing field as zero.
    public static func delete(_ rule: FirewallRuleArguments) -> String {
        var query: [String] = []
        func add(_ key: String, _ value: String) {
            if !value.isEmpty && value != "0" { query.append(key + "=" + LoadBalancerPaths.segment(value)) }
        }
        add("sourceIP", rule.sourceIP)
        add("destinationIP", rule.destinationIP)
        add("minSourcePort", String(rule.minSourcePort))
        add("maxSourcePort", String(rule.maxSourcePort))
        add("minDestinationPort", String(rule.minDestinationPort))
        add("maxDestinationPort", String(rule.maxDestinationPort))
        add("protocol", String(rule.protocol))
        add("portName", rule.portName)
        add("preference", String(rule.preference))
        return query.isEmpty ? create : create + "?" + query.joined(separator: "&")
    }
}
