extension RuleValidator {
    /// Checks the address families of a service and its endpoints, as loxilb combines them.
    ///
    /// - IPv4 VIP, IPv4 endpoints: every mode (NAT44).
    /// - IPv6 VIP, IPv6 endpoints: NAT66 in modes default, onearm and fullnat, and dsr.
    /// - IPv6 VIP, IPv4 endpoints: NAT64 in modes default, onearm and fullnat; the endpoints see the load
    ///   balancer's own IPv4 address toward them as the source, since an IPv6 client address cannot be
    ///   an IPv4 source. Not dsr (see `checkDSRFamily`).
    /// - IPv4 VIP, IPv6 endpoints (NAT46) and endpoints of both families in one service are refused.
    static func checkFamilies(vip: IPAddress, entry: LoadBalancerEntry) throws(APIError) {
        let v4Index = entry.endpoints.firstIndex { IPAddress($0.endpointIP)?.isV4 == true }
        let v6Index = entry.endpoints.firstIndex { IPAddress($0.endpointIP)?.isV4 == false }
        if let v4Index, let v6Index {
            let later = max(v4Index, v6Index)
            throw .badRequest(
                field: "endpoints[\(later)].endpointIP",
                message: "endpoints[\(later)].endpointIP \(entry.endpoints[later].endpointIP) mixes address families: "
                    + "endpoints[\(min(v4Index, v6Index))] is IPv\(v4Index < v6Index ? 4 : 6); give every endpoint "
                    + "of a service the same family (create one service per family)")
        }
        if vip.isV4, let v6Index {
            throw .badRequest(
                field: "endpoints[\(v6Index)].endpointIP",
                message: "IPv6 endpoints behind an IPv4 service (NAT46) are not supported yet; use IPv4 endpoints, "
                    + "or an IPv6 externalIP (NAT66)")
        }
    }

    /// DSR leaves the client's packet as it is, so the endpoint must speak the VIP's family: loxilb does
    /// not do DSR across families, and neither does SwiftLB (an IPv6 VIP with IPv4 endpoints is NAT64).
    static func checkDSRFamily(_ mode: NATMode, vip: IPAddress, endpoints: [DatapathEndpoint]) throws(APIError) {
        guard mode == .dsr, let index = endpoints.firstIndex(where: { $0.address.isV4 != vip.isV4 }) else { return }
        throw .badRequest(
            field: "endpoints[\(index)].endpointIP",
            message: "mode dsr cannot translate between address families: endpoints[\(index)].endpointIP "
                + "\(endpoints[index].address) is IPv\(vip.isV4 ? 6 : 4) but the VIP is IPv\(vip.isV4 ? 4 : 6); "
                + "give dsr endpoints of the VIP's family, or use mode default, onearm or fullnat (NAT64)")
    }
}
