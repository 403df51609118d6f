/// Validation of SCTP multihoming: which rules may give an SCTP service secondary VIPs.
extension RuleValidator {
    /// An SCTP rule with secondary VIPs makes every VIP a path of its associations (docs/telco.md):
    /// IPv4 only, in mode default or fullnat, without a rule source pool (the endpoint must see the
    /// VIPs as the flow's sources). Other protocols keep secondary VIPs as plain extra VIPs.
    static func checkSCTPMultihome(
        proto: L4Protocol, mode: NATMode, vip: IPAddress, secondaryVIPs: [IPAddress], snatSources: String
    ) throws(APIError) {
        guard proto == .sctp, !secondaryVIPs.isEmpty else { return }
        guard vip.isV4 else {
            throw .badRequest(
                field: "secondaryIPs",
                message: "SCTP multihoming (secondaryIPs on an sctp rule) is built for IPv4 VIPs only; use an IPv4 "
                    + "externalIP or omit secondaryIPs")
        }
        guard mode == .dnat || mode == .fullNAT else {
            throw .badRequest(
                field: "serviceArguments.mode",
                message: "SCTP multihoming (secondaryIPs on an sctp rule) needs mode 0 (default) or 2 (fullnat): in "
                    + "mode \(mode.name) the datapath cannot keep every path on the VIPs; change the mode or omit "
                    + "secondaryIPs")
        }
        guard snatSources.isEmpty else {
            throw .badRequest(
                field: "serviceArguments.snatSources",
                message: "SCTP multihoming (secondaryIPs on an sctp rule) in fullnat uses the VIPs as source "
                    + "addresses toward the endpoint; omit snatSources or secondaryIPs")
        }
    }
}
