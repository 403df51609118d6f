/// Validation of SCTP multihoming: which rules may give an SCTP service secondary VIPs.
extension RuleValidator {
    /// An SCTP rule with secondary VIPs makes every VIP a path of its associations (docs/telco.md):
    /// IPv4 or IPv6 (VIPs and endpoints of one family: `secondaryAddresses` keeps the VIPs to the
    /// primary's family, and a NAT64 endpoint could not be offered the client's IPv6 addresses), in
    /// mode default or fullnat, without a rule source pool (the endpoint must see the VIPs as the
    /// flow's sources). Other protocols keep secondary VIPs as plain extra VIPs.
    static func checkSCTPMultihome(
        proto: L4Protocol, mode: NATMode, vip: IPAddress, secondaryVIPs: [IPAddress], endpoints: [DatapathEndpoint],
        snatSources: String
    ) throws(APIError) {
        guard proto == .sctp, !secondaryVIPs.isEmpty else { return }
        if let index = endpoints.firstIndex(where: { $0.address.isV4 != vip.isV4 }) {
            let field = "endpoints[\(index)].endpointIP"
            throw .badRequest(
                field: field,
                message: "SCTP multihoming (secondaryIPs on an sctp rule) needs endpoints of the VIP's family: "
                    + "\(field) \(endpoints[index].address) is not of the family of externalIP \(vip) (NAT64 "
                    + "cannot translate the address parameters); give endpoints of the VIP's family or omit "
                    + "secondaryIPs")
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
