/// Endpoint health: the prober's reports, endpoint entries and host states, and their effect on the
/// datapath (an endpoint that is down keeps its slot with the inactive flag, so it takes no new flows
/// while its tracked flows go on).
///
/// Health is runtime state: it is not persisted and starts "up" after a restart. Endpoint entries are
/// configuration and are persisted when the config store supports it (`EndpointConfigStore`).
extension RuleStore {
    /// The service to program for `installed`, with the endpoints' active flags from health.
    func service(of installed: InstalledRule) -> DatapathService {
        var service = installed.service
        service.endpoints = health.applied(to: installed.rule)
        // An HA pair's onearm flows must leave from a floating address, or their replies go to an
        // instance that is gone after a takeover (docs/ha.md).
        if let onearmSource, service.mode == .oneArm, service.sourcePool == nil, service.key.vip.isV4 {
            service.sourcePool = onearmSource
        }
        return service
    }

    /// Loads the persisted endpoint entries (call after `restore()`).
    public func restoreEndpoints() async throws {
        guard let store = config as? any EndpointConfigStore else { return }
        for entry in try await store.loadEndpoints() {
            let (normalized, target) = try RuleValidator.validate(entry)
            health.entries[normalized.name] = normalized
            health.configured[normalized.name] = target
        }
        logger.info("restored endpoint entries", metadata: ["entries": "\(health.entries.count)"])
    }

    /// Every target to probe, sorted by key, computed again only when a monitored rule or an entry
    /// changed (the prober asks on every new version of the desired state).
    func allProbeTargets() -> [ProbeTarget] {
        if let cache = probeTargetCache, cache.tableVersion == table.monitoredVersion,
            cache.configured == health.configured
        {
            return cache.targets
        }
        let monitored = table.monitoredKeys.sorted().compactMap { table.rules[$0]?.rule }
        let targets = HealthTargets.all(rules: monitored, configured: health.configured)
        probeTargetCache = (table.monitoredVersion, health.configured, targets)
        return targets
    }

    /// Every target to probe: each endpoint of each monitored rule and each endpoint entry, by key.
    /// Statuses of targets no longer probed are forgotten.
    public func probeTargets() -> [ProbeTarget] {
        let targets = allProbeTargets()
        let keys = Set(targets.map(\.key))
        health.statuses = health.statuses.filter { keys.contains($0.key) }
        return targets
    }

    /// Records the prober's latest status of target `key`; when it turns up or down, reprograms every rule
    /// whose endpoints it watches.
    public func reportProbe(key: String, status: ProbeStatus) async {
        let wasUp = health.statuses[key]?.up ?? true
        guard wasUp != status.up else {
            health.statuses[key] = status
            return
        }
        await changeHealth(reason: "endpoint \(key) \(status.up ? "up" : "down")") { $0.statuses[key] = status }
    }

    /// `POST /config/endpoint`: validates, persists, then starts (or changes) probing of the host.
    public func createEndpoint(_ entry: EndPointEntry) async throws(APIError) {
        let (normalized, target) = try RuleValidator.validate(entry)
        await acquire()
        defer { release() }
        if let store = config as? any EndpointConfigStore {
            do {
                try await store.saveEndpoint(normalized)
            } catch {
                throw .internalError(
                    "saving endpoint \(normalized.name) to the config store failed (\(error)); nothing was changed. "
                        + "Check that the config database is writable and retry")
            }
        }
        health.entries[normalized.name] = normalized
        health.configured[normalized.name] = target
        await reprogram(reason: "endpoint \(normalized.name) configured")
        logger.info("endpoint entry saved", metadata: ["endpoint": "\(normalized.name)"])
    }

    /// `DELETE /config/endpoint/epipaddress/{ip}`: deletes the entries of host `host`, narrowed by `name`,
    /// `probeType` and `probePort` when given. 404 when none matches.
    public func deleteEndpoints(host: String, name: String, probeType: String, probePort: Int) async throws(APIError) {
        guard let address = IPAddress(host) else {
            throw .badRequest(field: "ip_address", message: "\"\(host)\" is not an IPv4 or IPv6 address")
        }
        await acquire()
        defer { release() }
        let type = ProbeType(name: probeType)
        let matches = health.configured.values.filter { target in
            target.host == address && (name.isEmpty || target.key == name)
                && (probeType.isEmpty || target.type == type) && (probePort == 0 || Int(target.port) == probePort)
        }
        guard !matches.isEmpty else {
            throw .notFound(
                "no endpoint entry for \(host) matches; list them with GET /netlox/v1/config/endpoint/all",
                fields: ["ip_address"])
        }
        for target in matches.sorted(by: { $0.key < $1.key }) {
            if let store = config as? any EndpointConfigStore {
                do {
                    try await store.deleteEndpoint(name: target.key)
                } catch {
                    throw .internalError(
                        "deleting endpoint \(target.key) from the config store failed (\(error)); it is unchanged. "
                            + "Check that the config database is writable and retry")
                }
            }
            health.entries[target.key] = nil
            health.configured[target.key] = nil
        }
        await reprogram(reason: "endpoint entries of \(host) deleted")
    }

    /// `GET /config/endpoint/all`: every probed target with its settings, state and delays, sorted by
    /// host then name.
    public func endpointStates() -> [EndPointGetEntry] {
        let targets = allProbeTargets()
        return targets.map { target in
            let status = health.statuses[target.key]
            let users = table.sorted.filter { installed in
                installed.rule.endpoints.contains {
                    HealthTargets.target(for: $0, of: installed.rule, configured: health.configured)?.key == target.key
                }
            }
            return EndPointGetEntry(
                hostName: target.host.description, name: target.key,
                description: users.map { $0.rule.key.description }.joined(separator: ","),
                inactiveReTries: target.retries, probeType: target.type.rawValue, probeReq: target.request,
                probeResp: target.response, probeDuration: target.interval, probePort: Int(target.port),
                minDelay: ProbeStatus.text(status?.minDelay), avgDelay: ProbeStatus.text(status?.avgDelay),
                maxDelay: ProbeStatus.text(status?.maxDelay), currState: (status ?? ProbeStatus(up: true)).stateText)
        }.sorted { ($0.hostName, $0.name) < ($1.hostName, $1.name) }
    }

    /// `POST /config/endpointhoststate`: "red" takes the host (narrowed by port and protocol when given)
    /// out of every rule; "green" and "yellow" clear that mark (probes still decide for monitored rules).
    public func setHostState(_ request: EndPointHostState) async throws(APIError) {
        let mark = try Self.hostMark(request)
        let state = request.state.lowercased()
        guard ["green", "yellow", "red"].contains(state) else {
            throw .badRequest(
                field: "state", message: "state \"\(request.state)\" is not one of green, yellow, red")
        }
        await changeHealth(reason: "host \(request.hostName) \(state)") { book in
            if state == "red" { book.hostsDown.insert(mark) } else { book.hostsDown.remove(mark) }
        }
    }

    private static func hostMark(_ request: EndPointHostState) throws(APIError) -> EndpointHealthBook.HostMark {
        guard let host = IPAddress(request.hostName) else {
            throw .badRequest(
                field: "hostName", message: "hostName \"\(request.hostName)\" is not an IPv4 or IPv6 address")
        }
        guard (0...65535).contains(request.epPort) else {
            throw .badRequest(field: "epPort", message: "epPort \(request.epPort) is out of range; send 0...65535")
        }
        var proto: L4Protocol?
        if !request.epProto.isEmpty {
            let name = request.epProto.lowercased()
            guard let parsed = L4Protocol(rawValue: name == "http" || name == "https" ? "tcp" : name) else {
                throw .badRequest(
                    field: "epProto", message: "epProto \"\(request.epProto)\" is not one of tcp, udp, sctp, icmp")
            }
            proto = parsed
        }
        return EndpointHealthBook.HostMark(host: host, port: UInt16(request.epPort), proto: proto)
    }

    // Applies `change` to the health book under the store's lock, then syncs what it affects.
    private func changeHealth(reason: String, _ change: (inout EndpointHealthBook) -> Void) async {
        await acquire()
        defer { release() }
        change(&health)
        await reprogram(reason: reason)
    }

    // Hands the reconciler every rule with health applied; it writes those whose active flags differ
    // from what it applied (the caller holds the lock). A failed write is logged and retried by the
    // next sync, since the reconciler keeps its old record. Publishes a new desired-state version.
    func reprogram(reason: String) async {
        defer { feed.publish() }
        for installed in table.sorted {
            let service = service(of: installed)
            do {
                guard try await reconciler.sync(service) else { continue }
                let inactive = service.endpoints.filter { !$0.active }.map { "\($0.address):\($0.port)" }
                logger.notice(
                    "endpoint health applied",
                    metadata: [
                        "rule": "\(installed.rule.key)", "reason": "\(reason)",
                        "inactive": "\(inactive.joined(separator: ","))",
                    ])
            } catch {
                logger.error(
                    "reprogramming endpoint health failed",
                    metadata: ["rule": "\(installed.rule.key)", "reason": "\(reason)", "error": "\(error)"])
            }
        }
    }
}

extension RuleStore {
    /// One probe target's health for the metrics export.
    public struct EndpointHealthMetrics: Sendable, Hashable {
        /// The target's key ("10.0.0.2_http_8080" or the entry's name).
        public var key: String
        /// The host probed.
        public var host: IPAddress
        /// The probe type.
        public var type: ProbeType
        /// The port probed (0 for ping).
        public var port: UInt16
        /// The target's status (up with no delays before its first probe).
        public var status: ProbeStatus

        /// Creates the health of one target.
        public init(key: String, host: IPAddress, type: ProbeType, port: UInt16, status: ProbeStatus) {
            self.key = key
            self.host = host
            self.type = type
            self.port = port
            self.status = status
        }
    }

    /// One endpoint of a rule and whether it takes new flows, for the metrics export.
    public struct EndpointActivity: Sendable, Hashable {
        /// The rule's key.
        public var service: ServiceKey
        /// "address:port" of the endpoint.
        public var endpoint: String
        /// False when health took it out of selection.
        public var active: Bool

        /// Creates the activity of one endpoint.
        public init(service: ServiceKey, endpoint: String, active: Bool) {
            self.service = service
            self.endpoint = endpoint
            self.active = active
        }
    }

    /// Every probe target with its status, sorted by key.
    public func healthMetrics() -> [EndpointHealthMetrics] {
        allProbeTargets().map {
            EndpointHealthMetrics(
                key: $0.key, host: $0.host, type: $0.type, port: $0.port,
                status: health.statuses[$0.key] ?? ProbeStatus(up: true))
        }
    }

    /// Every endpoint of every rule with its active flag, rules by key, endpoints in slot order.
    public func endpointActivities() -> [EndpointActivity] {
        table.sorted.flatMap { installed in
            health.applied(to: installed.rule).map {
                EndpointActivity(service: installed.rule.key, endpoint: "\($0.address):\($0.port)", active: $0.active)
            }
        }
    }
}
