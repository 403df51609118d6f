extension RuleStore {
    /// One rule's counters for the metrics export: the service and each of its endpoints.
    public struct RuleMetrics: Sendable, Hashable {
        /// VIP, port and protocol; its `description` ("10.0.0.1:80/tcp") is the rule's key text.
        public var key: ServiceKey
        /// The rule's name; "" when it has none.
        public var name: String
        /// The service's counters (both directions).
        public var counters: Counters
        /// The endpoints in slot order (sorted by address and port).
        public var endpoints: [EndpointMetrics]

        /// Creates the counters of one rule.
        public init(key: ServiceKey, name: String, counters: Counters, endpoints: [EndpointMetrics]) {
            self.key = key
            self.name = name
            self.counters = counters
            self.endpoints = endpoints
        }
    }

    /// One endpoint's counters for the metrics export.
    public struct EndpointMetrics: Sendable, Hashable {
        /// The endpoint's address.
        public var address: IPAddress
        /// The endpoint's (resolved) target port.
        public var port: UInt16
        /// The endpoint's counters.
        public var counters: Counters

        /// Creates the counters of one endpoint.
        public init(address: IPAddress, port: UInt16, counters: Counters) {
            self.address = address
            self.port = port
            self.counters = counters
        }

        /// "address:port", e.g. "10.0.1.2:8080".
        public var text: String { "\(address):\(port)" }
    }

    /// The datapath's packet counters by reason name (see `Datapath.packetCounters()`).
    /// 503 when the datapath cannot be read.
    public func packetCounters() async throws(APIError) -> [String: UInt64] {
        do {
            return try await datapath.packetCounters()
        } catch {
            logger.error("reading packet counters failed", metadata: ["error": "\(error)"])
            throw .unavailable("the datapath's packet counters could not be read (\(error)); retry shortly")
        }
    }

    /// Every rule (sorted by key) with its service and endpoint counters. Unlike `list()`, this fails
    /// rather than leave counters out: 503 when any of them cannot be read, so a metrics scrape is
    /// either complete or an error, never a silent drop to zero. fullproxy rules have no datapath
    /// counters (the L7 proxy counts their traffic) and are left out.
    public func ruleMetrics() async throws(APIError) -> [RuleMetrics] {
        var result: [RuleMetrics] = []
        for installed in table.sorted where installed.rule.mode != .fullProxy {
            result.append(try await metrics(of: installed))
        }
        return result
    }

    private func metrics(of installed: InstalledRule) async throws(APIError) -> RuleMetrics {
        let rule = installed.rule
        let service: Counters
        let endpoints: [Counters]
        do {
            service = try await datapath.serviceCounters(id: installed.serviceID)
            endpoints = try await datapath.endpointCounters(id: installed.serviceID, count: rule.endpoints.count)
        } catch {
            logger.error("reading rule counters failed", metadata: ["rule": "\(rule.key)", "error": "\(error)"])
            throw .unavailable("the datapath's counters of \(rule.key) could not be read (\(error)); retry shortly")
        }
        guard endpoints.count == rule.endpoints.count else {
            throw .unavailable(
                "the datapath reported \(endpoints.count) endpoint counters for \(rule.key), which has "
                    + "\(rule.endpoints.count) endpoints; retry shortly")
        }
        return RuleMetrics(
            key: rule.key, name: rule.name, counters: service,
            endpoints: zip(rule.endpoints, endpoints).map {
                EndpointMetrics(address: $0.address, port: $0.port, counters: $1)
            })
    }
}
