extension RuleValidator {
    /// Refuses every field that asks for a feature SwiftLB does not implement yet.
    static func checkUnsupported(_ entry: LoadBalancerEntry) throws(APIError) {
        let args = entry.serviceArguments
        try checkOper(args.oper)
        let requests: [(requested: Bool, field: String, feature: String, fix: String)] = [
            (!args.privateIP.isEmpty, "serviceArguments.privateIP", "privateIP", "omit it"),
            (args.snat, "serviceArguments.snat", "source NAT", "set snat to false"),
            (args.block != 0, "serviceArguments.block", "firewall marks (block)", "send 0"),
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
}
