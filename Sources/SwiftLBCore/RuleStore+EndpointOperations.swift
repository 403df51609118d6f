extension RuleStore {
    /// Applies `oper` 1 (attach) or 2 (detach) of `entry` to the existing rule for its key, with
    /// the same validation, rollback and persistence as `create`.
    func changeEndpoints(_ entry: LoadBalancerEntry) async throws(APIError) {
        let request = try RuleValidator.validate(entry, maxEndpoints: maxEndpoints)
        guard let operation = EndpointOperation(rawValue: entry.serviceArguments.oper) else {
            throw .badRequest(
                field: "serviceArguments.oper",
                message: "serviceArguments.oper \(entry.serviceArguments.oper) is not an operation; use 0 (create), "
                    + "1 (attach) or 2 (detach)")
        }
        await acquire()
        defer { release() }
        guard let merged = try operation.merge(request: request, into: table.rules[request.key]?.rule) else { return }
        let rule = try RuleValidator.validate(merged, maxEndpoints: maxEndpoints)
        switch try table.change(for: rule) {
        case .unchanged:
            return
        case .add(let new):
            try await install(new, replacing: nil)
        case .replace(let old, let new):
            try await install(new, replacing: old)
        }
    }
}
