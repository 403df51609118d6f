extension RuleValidator {
    /// The rule's own pool of source addresses (`serviceArguments.snatSources`), or nil when it has none.
    /// Only full NAT and onearm translate the source, and the pool is IPv4: an IPv6 service's flows
    /// leave from the VIP (fullnat) or the interface's address (onearm, NAT64).
    static func snatSources(_ text: String, mode: NATMode, vip: IPAddress) throws(APIError) -> SNATPool? {
        let field = "serviceArguments.snatSources"
        guard !text.isEmpty else { return nil }
        guard mode == .fullNAT || mode == .oneArm else {
            throw .badRequest(
                field: field,
                message: "\(field) applies to modes fullnat (2) and onearm (1), which translate the client's "
                    + "address; this rule's mode keeps it. Omit \(field) or change the mode")
        }
        guard vip.isV4 else {
            throw .badRequest(
                field: field,
                message: "\(field) is IPv4 only; IPv6 services translate to the VIP (fullnat) or the interface's "
                    + "address (onearm, NAT64). Omit it for \(vip)")
        }
        do {
            return try SNATPool(parsing: text, field: field)
        } catch {
            throw .badRequest(field: field, message: error.description)
        }
    }
}
