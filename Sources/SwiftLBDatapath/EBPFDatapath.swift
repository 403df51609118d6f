import BPFLoader
import BPFObjects
import SwiftLBABI
import SwiftLBCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The kernel datapath: programs services into the BPF maps of the loaded `swiftlb` object and
/// reads counters and conntrack back.
///
/// Map writes are ordered so the programs never see a service whose endpoint slots are not
/// written yet, and every upsert restores the previous entries when a later write fails.
public final class EBPFDatapath: Datapath, @unchecked Sendable {
    // The object owns the maps and programs; the typed views below only hold their fds.
    public let object: BPFObject
    let services: BPFMap<slb_svc_key, slb_svc_val>
    /// Endpoint slots, key `endpointKey(id, slot)`; holes have no entry.
    let endpoints: BPFMap<UInt32, slb_endpoint>
    /// Each service's active slots at positions 0 ..< active_count, key `endpointKey(id, position)`.
    let activeSlots: BPFMap<UInt32, UInt32>
    let roundRobin: BPFMap<UInt32, UInt32>
    /// The conntrack table, mapped into memory (slb_ct).
    public let conntrack: ConntrackTable
    let serviceStats: BPFPerCPUMap<UInt32, slb_stats>
    let endpointStats: BPFPerCPUMap<UInt32, slb_stats>
    let counters: BPFPerCPUMap<UInt32, UInt64>
    let config: BPFMap<UInt32, slb_config>
    let interfaceAddresses: BPFMap<UInt32, slb_if_addr>
    let allowList: BPFMap<slb_allow_key, UInt8>
    /// Match keys and allow-list entries written per service id, read from the maps at load and kept
    /// current by every write, so that updates and removals touch exactly the entries of one service.
    let written = Mutex(WrittenEntries())
    let interfaceAddresses6: BPFMap<UInt32, slb_if_addr>
    let selectionTables: BPFByteMap<UInt32>
    let persistence: BPFMap<slb_persist_key, slb_persist_val>
    let openFlows: BPFMap<UInt32, UInt32>
    /// Each service's own pool of full NAT / onearm source addresses (count 0: none).
    let sourcePools: BPFMap<UInt32, slb_snat_pool>
    /// The timeouts written to the datapath, used by the garbage collector.
    public let timeouts: ConntrackTimeouts
    /// What the maps were sized for.
    public let capacity: DatapathCapacity

    /// Loads the embedded datapath object. With `pinRoot`, maps are reused from there (conntrack
    /// survives restarts) or pinned there; without it nothing is pinned (tests, benchmarks).
    ///
    /// `fullNATSource` is the pool of source addresses of IPv4 full NAT flows whose rule names none
    /// (the instance's addresses that endpoints route back to); nil keeps the VIP the client used.
    /// `conntrackEntries` is the conntrack table's number of home slots (default SLB_CT_MAX_ENTRIES),
    /// rounded up to a power of two; the map has SLB_CT_PROBES elements more
    /// (`ConntrackTable.mapElements`). `capacity` sizes the service, endpoint and selection maps; a
    /// pinned one of another size or layout is replaced by an empty one (the daemon writes every rule
    /// again after loading), never the conntrack table.
    public init(
        pinRoot: String?, timeouts: ConntrackTimeouts = ConntrackTimeouts(), fullNATSource: SNATPool? = nil,
        conntrackEntries: UInt32? = nil, capacity: DatapathCapacity = .defaults
    ) throws(BPFError) {
        guard let elf = BPFObjects.object(named: BPFObjects.datapathName) else {
            throw BPFError(
                operation: "find the embedded datapath object", code: ENOENT,
                hint: "the build did not compile bpf/progs/swiftlb.bpf.c; rebuild with clang and libbpf-dev")
        }
        object = try BPFObject(
            elf: elf, name: BPFObjects.datapathName, pinRoot: pinRoot,
            maxEntries: Self.mapSizes(capacity).merging(
                [SLB_MAP_CONNTRACK: ConntrackTable.mapElements(forEntries: conntrackEntries)]) { $1 },
            sections: [DatapathFeatures.section: DatapathFeatures.sectionBytes(DatapathFeatures.detect())],
            recreatable: Self.recreatableMaps)
        self.capacity = capacity
        services = try object.map(named: SLB_MAP_SERVICES)
        endpoints = try object.map(named: SLB_MAP_ENDPOINTS)
        activeSlots = try object.map(named: SLB_MAP_EP_ACTIVE)
        roundRobin = try object.map(named: SLB_MAP_RR)
        conntrack = try ConntrackTable(fd: object.mapFD(named: SLB_MAP_CONNTRACK))
        serviceStats = try object.perCPUMap(named: SLB_MAP_SVC_STATS)
        endpointStats = try object.perCPUMap(named: SLB_MAP_EP_STATS)
        counters = try object.perCPUMap(named: SLB_MAP_COUNTERS)
        config = try object.map(named: SLB_MAP_CONFIG)
        interfaceAddresses = try object.map(named: SLB_MAP_IF_ADDRS)
        allowList = try object.map(named: SLB_MAP_ALLOW)
        interfaceAddresses6 = try object.map(named: SLB_MAP_IF_ADDRS6)
        selectionTables = try object.byteMap(named: SLB_MAP_SEL_TABLE, valueSize: 2 * Int(SLB_SEL_TABLE_SIZE))
        persistence = try object.map(named: SLB_MAP_PERSIST)
        openFlows = try object.map(named: SLB_MAP_EP_CONNS)
        sourcePools = try object.map(named: SLB_MAP_SNAT_POOL)
        self.timeouts = timeouts
        var settings = timeouts.abiConfig
        settings.fullnat_pool = slb_snat_pool(fullNATSource)
        try config.update(0, settings)
        let found = try readWrittenEntries()
        written.withLock { $0 = found }
        // The paths outlive a restart in their pinned map; this object's flags start cleared.
        if !found.srv6Slots.isEmpty { try ConfigFlags.set(UInt32(SLB_CFG_SRV6.rawValue), true, in: config) }
    }

    /// The ingress and egress programs, for attaching.
    public func programs() throws(BPFError) -> (ingress: BPFProgram, egress: BPFProgram) {
        (try object.program(named: SLB_PROG_INGRESS), try object.program(named: SLB_PROG_EGRESS))
    }

    /// Pins this object's stage program array (bpf/lib/stages.h) under `pinRoot`, replacing the
    /// previous daemon's. Call once the programs are attached: from then on they reach their own
    /// stages after this process exits, and the previous object's stages are released.
    /// An object without stages (an older build loaded through SWIFTLB_BPF_OBJECT_DIR for an A/B
    /// benchmark) has nothing to pin.
    public func publishStages(pinRoot: String) throws(BPFError) {
        guard object.hasMap(named: SLB_MAP_STAGES) else { return }
        try object.pinMap(named: SLB_MAP_STAGES, at: pinRoot + "/" + SLB_MAP_STAGES)
    }

    // MARK: Datapath (the protocol's witnesses, with typed errors: EBPFDatapath+Datapath.swift)

    func program(_ service: DatapathService) throws {
        try upsertNow(service)
        try syncEchoMarker(vip: service.key.vip)
    }

    /// Removes the services' map entries, then sweeps the conntrack table once for the flows of all
    /// of them (about 5 ms for the default table).
    func removeServices(_ removed: [(key: ServiceKey, id: UInt32)]) throws {
        try retireServices(removed)
        try purgeServiceFlows(Set(removed.map(\.id)))
    }

    func retireServices(_ removed: [(key: ServiceKey, id: UInt32)]) throws {
        for service in removed { try removeNow(key: service.key, id: service.id) }
        for vip in Set(removed.map(\.key.vip)) { try syncEchoMarker(vip: vip) }
    }

    func purgeServiceFlows(_ ids: Set<UInt32>) throws {
        guard !ids.isEmpty else { return }
        try purgeServiceFlows { ids.contains($0) }
    }

    /// Deletes the flows, persistence entries and selection tables of every id `purged` says.
    /// Walks the tables rather than the ids: a restart purges every id but the used ones.
    func purgeServiceFlows(where purged: (UInt32) -> Bool) throws {
        conntrack.forEachEntry { entry in
            if purged(entry.value.svc_id) { conntrack.deleteIfUnchanged(entry) }
        }
        try forgetPersistence(where: purged)
        // Open-flow counts and round-robin positions are reset when an id is programmed again.
        for id in try selectionTables.keys(limit: capacity.selectionTables) where purged(id) {
            try selectionTables.delete(id)
        }
    }

    func sweep() throws -> ConnectionSweep {
        let removed = try collectExpiredConnections()
        // lc reads these counts: recount after the sweep so removed flows give theirs back.
        return ConnectionSweep(removed: removed, recounted: try recountOpenFlows())
    }

    func readServiceCounters(id: UInt32) throws -> Counters {
        sum(try serviceStats.lookup(id))
    }

    /// Counters of the service's endpoints in the canonical order (address, then port), which is
    /// the order rules list them in; their slots may be in any order (see `SlotLayout`). `openFlows`
    /// is the slot's open-flow count (slb_ep_conns).
    func readEndpointCounters(id: UInt32, count: Int) throws -> [Counters] {
        var result: [Counters] = []
        for slot in try canonicalSlots(id: id).prefix(count) {
            let index = Self.endpointKey(id, slot)
            var counters = sum(try endpointStats.lookup(index))
            // Racing decrements may leave a transient negative count; lc reads it as zero too.
            counters.openFlows = UInt64(max(Int32(bitPattern: try openFlows.lookup(index) ?? 0), 0))
            result.append(counters)
        }
        return result
    }

    func readConnections() throws -> [ConnectionEntry] {
        var result: [ConnectionEntry] = []
        try conntrack.forEachEntry { (entry) throws(BPFError) in
            guard entry.value.dir == UInt8(SLB_DIR_FWD.rawValue),
                let connection = try connectionEntry(key: entry.key, value: entry.value)
            else { return }
            result.append(connection)
        }
        return result.sorted {
            ($0.serviceAddress, $0.servicePort, $0.clientAddress, $0.clientPort)
                < ($1.serviceAddress, $1.servicePort, $1.clientAddress, $1.clientPort)
        }
    }

    // MARK: Counters and garbage collection

    /// The global per-reason counters (index = enum slb_counter), summed over CPUs.
    public func globalCounters() throws(BPFError) -> [UInt64] {
        var result: [UInt64] = []
        for index in 0..<UInt32(SLB_CNT_MAX.rawValue) {
            result.append((try counters.lookup(index) ?? []).reduce(0, &+))
        }
        return result
    }

    /// Deletes flows idle longer than their state's timeout, then runs one compaction pass of the
    /// table; returns how many entries went.
    ///
    /// Like the datapath, a flow is idle only when neither direction has seen a packet: a one-way
    /// UDP stream must keep its reply entry. Both directions are deleted together, each only if its
    /// slot still holds what was read, so a flow that reused a slot meanwhile is never deleted. An
    /// entry whose twin no longer points back (the reply entry a reopened full NAT flow left holding
    /// its port, ct.h slb_ct_check) ages alone.
    @discardableResult
    public func collectExpiredConnections() throws(BPFError) -> Int {
        let now = Self.monotonicNanoseconds()
        var removed = 0
        try conntrack.forEachEntry { (entry) throws(BPFError) in
            let reply = try conntrack.twin(of: entry)
            let lastSeen = max(entry.value.last_seen_ns, reply?.value.last_seen_ns ?? 0)
            let timeout =
                UInt64(
                    timeouts.seconds(
                        proto: entry.key.proto, state: entry.value.state, natFlags: entry.value.nat.flags))
                * 1_000_000_000
            guard now > lastSeen && now - lastSeen > timeout else { return }
            if conntrack.deleteIfUnchanged(entry) { removed += 1 }
            if let reply, conntrack.deleteIfUnchanged(reply) { removed += 1 }
        }
        conntrack.compact()
        return removed
    }

    /// CLOCK_MONOTONIC in nanoseconds: the clock of bpf_ktime_get_ns().
    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    // MARK: Interface addresses (onearm, NAT64)

    /// Writes every interface's primary IPv4 address of this network namespace into the map onearm
    /// and NAT64 flows take their source address from, and removes interfaces that are gone or lost
    /// their address. Does the same for the first global IPv6 address of each interface (onearm
    /// NAT66, map slb_if_addr6). Returns the IPv4 addresses written, by ifindex.
    @discardableResult
    public func syncInterfaceAddresses() throws(BPFError) -> [UInt32: IPAddress] {
        let current = InterfaceAddresses.primaryIPv4()
        try sync(interfaceAddresses, to: current)
        try sync(interfaceAddresses6, to: InterfaceAddresses.primaryIPv6())
        return current
    }

    /// The IPv6 addresses `syncInterfaceAddresses` last wrote (slb_if_addr6), by ifindex.
    public func interfaceIPv6Addresses() throws(BPFError) -> [UInt32: IPAddress] {
        var result: [UInt32: IPAddress] = [:]
        for ifindex in try interfaceAddresses6.keys(limit: Int(SLB_MAX_IF_ADDRS)) {
            if let value = try interfaceAddresses6.lookup(ifindex),
                let address = IPAddress(abiWords: value.addr, family: value.family)
            {
                result[ifindex] = address
            }
        }
        return result
    }

    private func sync(_ map: BPFMap<UInt32, slb_if_addr>, to current: [UInt32: IPAddress]) throws(BPFError) {
        for (ifindex, address) in current {
            var value = slb_if_addr()
            value.addr = address.abiWords
            value.family = address.abiFamily
            if let old = try map.lookup(ifindex), old.family == value.family,
                IPAddress(abiWords: old.addr, family: old.family) == address
            {
                continue
            }
            try map.update(ifindex, value)
        }
        for ifindex in try map.keys(limit: Int(SLB_MAX_IF_ADDRS)) where current[ifindex] == nil {
            _ = try map.delete(ifindex)
        }
    }

    // MARK: ICMPv6 echo markers

    /// The service-map key that marks `vip` as an IPv6 VIP whose echo requests the datapath answers
    /// (bpf/lib/icmp6.h): port 0, protocol ICMPv6. No TCP/UDP packet ever looks it up, and
    /// `ServiceKey(abiKey:)` does not read it back as a service.
    static func echoMarkerKey(_ vip: IPAddress) -> slb_svc_key {
        var key = slb_svc_key()
        key.vip = vip.abiWords
        key.proto = UInt8(IPPROTO_ICMPV6)
        key.family = vip.abiFamily
        return key
    }

    /// Writes the echo marker of IPv6 `vip` while at least one service uses it, removes it otherwise.
    func syncEchoMarker(vip: IPAddress) throws(BPFError) {
        guard !vip.isV4 else { return }
        let marker = Self.echoMarkerKey(vip)
        // From what this process wrote (kept current by every write), not a walk of the map.
        // The markers themselves (id SLB_SVC_ID_MARKER, read back at load) do not count.
        let used = written.withLock { entries in
            entries.keys.contains { $0.key < UInt32(SLB_SVC_ID_MARKER) && $0.value.contains { $0.vip == vip } }
        }
        if used {
            if try services.lookup(marker) == nil {
                var value = slb_svc_val()
                value.id = UInt32(SLB_SVC_ID_MARKER)  // indexes nothing
                try services.update(marker, value)
            }
        } else {
            _ = try services.delete(marker)
        }
    }

    // MARK: Internals

    func resetCounters(id: UInt32, fresh: Bool, slots: some Sequence<Int>) throws(BPFError) {
        if fresh {
            try serviceStats.update(id, allCPUs: slb_stats())
            try roundRobin.update(id, 0)
        }
        let indexes = slots.map { Self.endpointKey(id, $0) }
        guard !indexes.isEmpty else { return }
        try endpointStats.update(indexes, allCPUs: slb_stats())
        try openFlows.update(indexes, 0)
    }

    private func connectionEntry(key: slb_ct_key, value: slb_ct_val) throws(BPFError) -> ConnectionEntry? {
        guard let proto = L4Protocol(number: key.proto),
            let client = IPAddress(abiWords: key.saddr, family: key.family),
            let service = IPAddress(abiWords: key.daddr, family: key.family),
            let endpoint = IPAddress(
                abiWords: value.nat.daddr, family: value.nat.family == 0 ? key.family : value.nat.family)
        else { return nil }
        var total = Counters(packets: value.packets, bytes: value.bytes)
        if let reply = try conntrack.lookup(key.reply(after: value.nat)) {
            total.packets &+= reply.packets
            total.bytes &+= reply.bytes
        }
        return ConnectionEntry(
            proto: proto, clientAddress: client, clientPort: UInt16(bigEndian: key.sport), serviceAddress: service,
            servicePort: UInt16(bigEndian: key.dport), endpointAddress: endpoint,
            endpointPort: UInt16(bigEndian: value.nat.dport), state: ConntrackStateName.name(value.state),
            serviceID: value.svc_id, counters: total)
    }

    private func sum(_ values: [slb_stats]?) -> Counters {
        (values ?? []).reduce(Counters.zero) {
            Counters(packets: $0.packets &+ $1.packets, bytes: $0.bytes &+ $1.bytes)
        }
    }
}
