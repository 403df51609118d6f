extension RuleValidator {
    /// Refuses every field that asks for a feature SwiftLB does not implement yet.
    static func checkUnsupported(_ entry: LoadBalancerEntry) throws(APIError) {
        let args = entry.serviceArguments
        try checkOper(args.oper)
        try checkSecurity(args.security)
        let requests: [(requested: Bool, field: String, feature: String, fix: String)] = [
            (!args.privateIP.isEmpty, "serviceArguments.privateIP", "privateIP", "omit it"),
            (args.snat, "serviceArguments.snat", "source NAT", "set snat to false"),
            (args.block != 0, "serviceArguments.block", "firewall marks (block)", "send 0"),
            (!args.host.isEmpty, "serviceArguments.host", "L7 host matching", "omit host"),
            (args.proxyprotocolv2, "serviceArguments.proxyprotocolv2", "PROXY protocol v2", "set it to false"),
            (args.egress, "serviceArguments.egress", "egress rules", "set egress to false"),
        ]
        for request in requests where request.requested {
            throw .badRequest(field: request.field, message: "\(request.feature) is not supported yet; \(request.fix)")
        }
        try checkProbe(args)
    }

    private static func checkOper(_ oper: Int) throws(APIError) {
        let field = "serviceArguments.oper"
        switch oper {
        case 0, 1, 2:
            // 1 (attach) and 2 (detach) are merged into the existing rule by RuleStore.
            return
        default:
            throw .badRequest(
                field: field, message: "\(field) \(oper) is not an operation; use 0 (create), 1 (attach) or 2 (detach)")
        }
    }

    private static func checkSecurity(_ security: Int) throws(APIError) {
        let field = "serviceArguments.security"
        switch security {
        case 0:
            return
        case 1, 2:
            throw .badRequest(
                field: field, message: "TLS termination (security \(security)) is not supported yet; send 0")
        default:
            throw .badRequest(
                field: field, message: "\(field) \(security) is invalid; use 0 (plain), 1 (https) or 2 (e2ehttps)")
        }
    }
}
