/// One endpoint as programmed into the datapath.
public struct DatapathEndpoint: Hashable, Sendable {
    public var address: IPAddress
    public var port: UInt16
    public var weight: UInt16
    /// False when the endpoint must not receive new flows (probe failed, detached, host marked
    /// down); flows already tracked to it keep going. The datapath keeps its slot either way, so
    /// slot indexes (and the per-endpoint counters keyed by them) never shift.
    public var active: Bool
    /// SRv6 segments (IPv6 SIDs, first segment first) the endpoint's packets are encapsulated
    /// toward; empty for an endpoint reached directly.
    public var segments: [IPAddress]

    public init(address: IPAddress, port: UInt16, weight: UInt16, active: Bool = true, segments: [IPAddress] = []) {
        self.address = address
        self.port = port
        self.weight = weight
        self.active = active
        self.segments = segments
    }
}

/// The identity of a rule: VIP, port and protocol, plus the virtual host of a fullproxy rule.
///
/// The datapath only ever sees host-less keys: fullproxy rules are served by the L7 proxy, and
/// several of them may share one VIP and port when their hosts differ.
public struct ServiceKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var vip: IPAddress
    public var port: UInt16
    public var proto: L4Protocol
    /// The fullproxy rule's `host` ("" for every other rule).
    public var host: String

    public init(vip: IPAddress, port: UInt16, proto: L4Protocol, host: String = "") {
        self.vip = vip
        self.port = port
        self.proto = proto
        self.host = host
    }

    /// "10.0.0.1:80/tcp", with "@host" appended for a fullproxy rule's host.
    public var description: String { "\(vip):\(port)/\(proto.rawValue)" + (host.isEmpty ? "" : "@\(host)") }

    /// The key without its host: the VIP, port and protocol the rule listens on.
    public var listenerKey: ServiceKey { ServiceKey(vip: vip, port: port, proto: proto) }

    public static func < (lhs: ServiceKey, rhs: ServiceKey) -> Bool {
        (lhs.vip, lhs.port, lhs.proto, lhs.host) < (rhs.vip, rhs.port, rhs.proto, rhs.host)
    }
}

/// One service as programmed into the datapath: a key, its slot id and its endpoints in slot order.
public struct DatapathService: Hashable, Sendable {
    /// Slot index in the datapath's per-service arrays (0 ..< `DatapathCapacity.maxServices`).
    public var id: UInt32
    public var key: ServiceKey
    public var selection: SelectionAlgorithm
    public var mode: NATMode
    /// Idle timeout in seconds; 0 means the protocol's default.
    public var inactiveTimeout: UInt32
    public var endpoints: [DatapathEndpoint]
    /// Last port of a port range starting at `key.port`; 0 (or `key.port`) for a single port.
    public var portMax: UInt16
    /// Further VIPs (same family as `key.vip`) the service also answers on.
    public var secondaryVIPs: [IPAddress]
    /// Source prefixes allowed to open flows; empty means every source.
    public var allowedSources: [IPPrefix]
    /// The addresses full NAT / onearm flows leave from; nil for the mode's default (the VIP or the
    /// instance's `--fullnat-source` for fullnat, the egress interface's address for onearm).
    public var sourcePool: SNATPool?
    /// The load balancer's SRv6 SID for the service (`srv6Sid`): outer source toward endpoints with
    /// segments, decapsulated when replies come back to it. nil without SRv6.
    public var srv6SID: IPAddress?

    public init(
        id: UInt32, key: ServiceKey, selection: SelectionAlgorithm, mode: NATMode, inactiveTimeout: UInt32 = 0,
        endpoints: [DatapathEndpoint], portMax: UInt16 = 0, secondaryVIPs: [IPAddress] = [],
        allowedSources: [IPPrefix] = [], sourcePool: SNATPool? = nil, srv6SID: IPAddress? = nil
    ) {
        self.srv6SID = srv6SID
        self.id = id
        self.key = key
        self.selection = selection
        self.mode = mode
        self.inactiveTimeout = inactiveTimeout
        self.endpoints = endpoints
        self.portMax = portMax
        self.secondaryVIPs = secondaryVIPs
        self.allowedSources = allowedSources
        self.sourcePool = sourcePool
    }

    /// The ports the service listens on: `key.port` through `portMax`.
    public var ports: ClosedRange<UInt16> { key.port...max(key.port, portMax) }

    /// Every (VIP, port, protocol) the service matches: each VIP (primary first) times each port.
    public var matchKeys: [ServiceKey] {
        ([key.vip] + secondaryVIPs).flatMap { vip in
            ports.map { ServiceKey(vip: vip, port: $0, proto: key.proto, host: key.host) }
        }
    }
}

/// Packet and byte counters.
public struct Counters: Hashable, Sendable {
    public var packets: UInt64
    public var bytes: UInt64
    /// Flows open to an endpoint now (not closed or expired), as least-connections (lc) counts them; kept for every
    /// algorithm. A gauge, only meaningful in `endpointCounters(id:count:)` (0 in service counters).
    public var openFlows: UInt64

    public init(packets: UInt64 = 0, bytes: UInt64 = 0, openFlows: UInt64 = 0) {
        self.packets = packets
        self.bytes = bytes
        self.openFlows = openFlows
    }

    public static let zero = Counters()
}

/// One tracked connection as the datapath reports it (its client-to-service direction).
public struct ConnectionEntry: Hashable, Sendable {
    public var proto: L4Protocol
    public var clientAddress: IPAddress
    public var clientPort: UInt16
    public var serviceAddress: IPAddress
    public var servicePort: UInt16
    public var endpointAddress: IPAddress
    public var endpointPort: UInt16
    /// State name as loxilb prints it: "syn-sent", "syn-recv", "est", "fin-wait", "time-wait", "closed", "new".
    public var state: String
    public var serviceID: UInt32
    /// Both directions added up.
    public var counters: Counters

    public init(
        proto: L4Protocol, clientAddress: IPAddress, clientPort: UInt16, serviceAddress: IPAddress,
        servicePort: UInt16, endpointAddress: IPAddress, endpointPort: UInt16, state: String, serviceID: UInt32,
        counters: Counters
    ) {
        self.proto = proto
        self.clientAddress = clientAddress
        self.clientPort = clientPort
        self.serviceAddress = serviceAddress
        self.servicePort = servicePort
        self.endpointAddress = endpointAddress
        self.endpointPort = endpointPort
        self.state = state
        self.serviceID = serviceID
        self.counters = counters
    }
}

/// Datapath-wide limits, equal to the shared ABI header's (SwiftLBCore does not import it; the test
/// `LimitsAgreementTests` checks that the numbers agree).
public enum Limits {
    /// Default number of services (`--max-services`).
    public static let maxServices = 65536
    /// Default entries of the datapath's service match table: every port of a range and every
    /// secondary VIP takes one (`DatapathCapacity.serviceKeys`).
    public static let maxServiceKeys = 131_072
    /// The match table's smallest size, whatever `--max-services` says.
    public static let minServiceKeys = 65536
    public static let maxEndpointsPerService = 1024
    /// Default endpoint slots of all services together (`--endpoint-entries`).
    public static let endpointEntries = 262_144
    /// Default number of selection tables (`--selection-tables`).
    public static let selectionTables = 1024
}

extension Datapath {
    /// One `remove(key:id:)` after the other.
    public func remove(_ services: [(key: ServiceKey, id: UInt32)]) async throws(DatapathError) {
        for service in services { try await remove(key: service.key, id: service.id) }
    }
}

/// What the reconciler drives: the kernel datapath in production, an in-memory fake in tests.
///
/// Every call either fully succeeds or throws and leaves the service as it was. Every call throws
/// `DatapathError`, whose `limit` kind the API answers with 507.
public protocol Datapath: Sendable {
    /// Programs `service` (creating or replacing the entry with the same key and id). Runs on the
    /// caller's executor (a few dozen map writes: cheaper than two thread hops per rule).
    nonisolated(nonsending) func upsert(_ service: DatapathService) async throws(DatapathError)
    /// Removes the service with this key and id; removing an absent service is not an error.
    func remove(key: ServiceKey, id: UInt32) async throws(DatapathError)
    /// Removes several services at once (deleting many rules: the kernel datapath sweeps its
    /// conntrack table once for all of them). On a failure some may be removed already.
    func remove(_ services: [(key: ServiceKey, id: UInt32)]) async throws(DatapathError)
    /// Removes the services' entries so that no new flow reaches them, without sweeping conntrack:
    /// flows they already track go on until `purgeFlows(serviceIDs:)`, and their ids must not be
    /// given to another service before that (deleting many rules one request at a time shares one
    /// sweep). On a failure some may be removed already.
    nonisolated(nonsending) func retire(_ services: [(key: ServiceKey, id: UInt32)]) async throws(DatapathError)
    /// Deletes the tracked flows and per-flow state (persistence, selection) of retired ids: one
    /// conntrack sweep for all of them.
    func purgeFlows(serviceIDs: Set<UInt32>) async throws(DatapathError)
    /// Deletes the tracked flows and per-flow state of every id not in `kept`: at start-up, flows
    /// of rules deleted just before a restart must reach no new rule. Takes the ids in use rather
    /// than the unused ones, which with `--max-services` in the millions would be a large set.
    func purgeFlows(exceptServiceIDs kept: Set<UInt32>) async throws(DatapathError)
    /// The services currently programmed, sorted by key.
    func programmedServices() async throws(DatapathError) -> [DatapathService]
    /// Counters of a service (both directions).
    func serviceCounters(id: UInt32) async throws(DatapathError) -> Counters
    /// Counters of each endpoint slot of a service, in slot order.
    func endpointCounters(id: UInt32, count: Int) async throws(DatapathError) -> [Counters]
    /// Live connections, client-to-service direction only.
    func connections() async throws(DatapathError) -> [ConnectionEntry]
    /// What happened to packets since the datapath was loaded: a count per reason, keyed by a stable
    /// snake_case reason name ("rx", "ct_hit", "drop_no_endpoint", ...). Reasons never seen may be
    /// absent or zero; a name always means the same reason across releases.
    func packetCounters() async throws(DatapathError) -> [String: UInt64]
    /// Deletes flows idle past their state's timeout and recounts each endpoint's open flows (lc)
    /// from what remains: the periodic conntrack sweep.
    func sweepConnections() async throws(DatapathError) -> ConnectionSweep
    /// Writes the addresses of the namespace's interfaces that translated flows leave from (onearm,
    /// NAT64) into the datapath.
    func refreshInterfaceAddresses() async throws(DatapathError)
}

/// What one conntrack sweep changed.
public struct ConnectionSweep: Sendable, Equatable {
    /// Entries deleted because their flow was idle past its timeout.
    public var removed: Int
    /// Open-flow counts (lc) corrected.
    public var recounted: Int

    public init(removed: Int, recounted: Int) {
        self.removed = removed
        self.recounted = recounted
    }
}
