extension RuleStore {
    /// All rules (sorted by key) with endpoint `state` ("active", or "inactive" when health took it out) and `counter` ("<packets>:<bytes>")
    /// filled from the datapath. Never fails: when counters cannot be read, `counter` is left empty.
    public func list() async -> [LoadBalancerEntry] {
        var entries: [LoadBalancerEntry] = []
        for installed in table.sorted {
            var entry = installed.rule.entry
            // Until the datapath is loaded (start-up), rules are listed without counters.
            let counters = loadingDatapath ? nil : await endpointCounters(installed)
            let active = health.applied(to: installed.rule).map(\.active)
            for index in entry.endpoints.indices {
                entry.endpoints[index].state = active[index] ? "active" : "inactive"
                entry.endpoints[index].counter = counters.map { "\($0[index].packets):\($0[index].bytes)" } ?? ""
            }
            entries.append(entry)
        }
        return entries
    }

    /// Live connections as loxilb's `ConntrackEntry`, sorted by service then client: `servName` from the
    /// rule names, `conntrackAct` "dnat-<epIP>:<epPort>", `conntrackState` as `ConnectionEntry.state`.
    /// 503 when the datapath cannot be read; an empty table is an empty list.
    public func connections() async throws(APIError) -> [ConntrackEntry] {
        let live: [ConnectionEntry]
        do {
            live = try await datapath.connections()
        } catch {
            logger.error("reading connections failed", metadata: ["error": "\(error)"])
            throw .unavailable("the datapath's connection table could not be read (\(error)); retry shortly")
        }
        let names = Dictionary(
            table.rules.values.map { ($0.serviceID, $0.rule.name) }, uniquingKeysWith: { first, _ in first })
        return live.sorted(by: Self.connectionOrder).map { connection in
            ConntrackEntry(
                destinationIP: connection.serviceAddress.description, sourceIP: connection.clientAddress.description,
                destinationPort: Int(connection.servicePort), sourcePort: Int(connection.clientPort),
                protocol: connection.proto.rawValue, conntrackState: connection.state, ident: "",
                conntrackAct: "dnat-\(connection.endpointAddress):\(connection.endpointPort)",
                packets: Int(clamping: connection.counters.packets), bytes: Int(clamping: connection.counters.bytes),
                servName: names[connection.serviceID] ?? "")
        }
    }

    /// Counters per endpoint, or nil when the datapath cannot say (the listing still succeeds).
    private func endpointCounters(_ installed: InstalledRule) async -> [Counters]? {
        // The datapath holds nothing for fullproxy rules; their slot may hold an old rule's counters.
        guard installed.rule.mode != .fullProxy else { return nil }
        let count = installed.rule.endpoints.count
        do {
            let counters = try await datapath.endpointCounters(id: installed.serviceID, count: count)
            return counters.count == count ? counters : nil
        } catch {
            logger.warning(
                "endpoint counters unavailable", metadata: ["rule": "\(installed.rule.key)", "error": "\(error)"])
            return nil
        }
    }

    private static func connectionOrder(_ lhs: ConnectionEntry, _ rhs: ConnectionEntry) -> Bool {
        (lhs.serviceAddress, lhs.servicePort, lhs.proto, lhs.clientAddress, lhs.clientPort)
            < (rhs.serviceAddress, rhs.servicePort, rhs.proto, rhs.clientAddress, rhs.clientPort)
    }
}
