/// onDefault SNAT rules (loxilb's `--egress`) translate the traffic that leaves a cluster through
/// the load balancer; only the HA MASTER may do it, or a BACKUP that sees such packets would open
/// flows from the shared SNAT address the MASTER knows nothing of. On a BACKUP they stay stored
/// and listed but are not installed; a role change installs or withdraws them in one update.
extension FirewallStore {
    /// Tells the store whether this daemon is an HA BACKUP (of the default instance). Queued with
    /// the adds and deletes, so a batch never sees the tables change under it.
    public func setStandby(_ standby: Bool) async throws(APIError) {
        try await submit(.standby(standby))
    }

    /// Whether the store stands by now.
    public var isStandingBy: Bool { standby }

    /// Whether `rule` leaves the datapath while standing by.
    static func heldOnStandby(_ rule: FirewallRule) -> Bool {
        if case .snat(_, _, onDefault: true) = rule.action { return true }
        return false
    }

    /// Puts rule `id` into the tables, unless standing by holds it back (an empty change).
    func install(_ rule: FirewallRule, id: UInt32) throws(APIError) -> FirewallTables.Delta {
        if standby && Self.heldOnStandby(rule) { return FirewallTables.Delta() }
        return try tables.add(
            rule, id: id, ifindex: datapath.interfaceIndex(rule.inPort), redirectIndex: redirectIndex(rule))
    }

    func applyStandby(_ standby: Bool) async throws(APIError) {
        guard standby != self.standby else { return }
        let held = rules.values.filter { Self.heldOnStandby($0.rule) }.sorted { $0.id < $1.id }
        var delta = FirewallTables.Delta()
        if standby {
            for item in held { delta.merge(tables.remove(id: item.id)) }
            self.standby = true
        } else {
            self.standby = false
            for item in held {
                do throws(APIError) {
                    delta.merge(try install(item.rule, id: item.id))
                } catch {
                    // Back to standing by with the tables as they were.
                    for added in held.prefix(while: { $0.id < item.id }) { _ = tables.remove(id: added.id) }
                    self.standby = true
                    throw error
                }
            }
        }
        do {
            try await datapath.applyFirewall(delta, resetCounters: [])
        } catch {
            throw APIError(
                status: 500,
                message: "\(standby ? "withdrawing" : "installing") \(held.count) onDefault SNAT rules failed: "
                    + "\(error); the next firewall change rewrites them")
        }
    }
}
