import BPFLoader
import SwiftLBABI
import SwiftLBCore

/// Match keys and allow-list prefixes the datapath holds for each service id.
struct WrittenEntries: Sendable {
    var keys: [UInt32: [ServiceKey]] = [:]
    var allowed: [UInt32: [IPPrefix]] = [:]
    /// Slots with an SRv6 path, per service id (EBPFDatapath+SRv6.swift).
    var srv6Slots: [UInt32: Set<Int>] = [:]
    /// The SRv6 SID of each service id that has one.
    var srv6SIDs: [UInt32: IPAddress] = [:]
}

/// Programming services: one service-map entry per match key (each port of a range on each VIP),
/// its endpoint set, and its source allow-list.
extension EBPFDatapath {
    func upsertNow(_ service: DatapathService) throws {
        guard service.id < UInt32(capacity.maxServices) else {
            throw DatapathLimitError(
                "service id \(service.id) exceeds the datapath's \(capacity.maxServices) slots (--max-services)")
        }
        guard service.endpoints.count <= Int(SLB_MAX_ENDPOINTS) else {
            throw DatapathLimitError("\(service.endpoints.count) endpoints exceed the limit of \(SLB_MAX_ENDPOINTS)")
        }
        let id = service.id
        let newKeys = service.matchKeys
        let (oldKeys, oldAllowed) = written.withLock { ($0.keys[id] ?? [], $0.allowed[id] ?? []) }
        let staleKeys = Set(oldKeys).subtracting(newKeys)
        // What every touched entry held before, to put back if a write fails half way.
        var previousValues: [(ServiceKey, slb_svc_val?)] = []
        for key in newKeys + staleKeys.sorted() { previousValues.append((key, try services.lookup(key.abiKey))) }
        let previousService = previousValues.first?.1
        let fresh = previousService?.id != id
        let previousSlots: [DatapathEndpoint?] =
            try fresh ? [] : slotLayout(id: id, count: Int(previousService?.ep_count ?? 0))
        let slots = SlotLayout.assign(desired: service.endpoints, previous: previousSlots)
        guard slots.count <= Int(SLB_MAX_ENDPOINTS) else {
            throw DatapathLimitError("\(slots.count) endpoint slots exceed the limit of \(SLB_MAX_ENDPOINTS)")
        }
        let active = Self.activeList(slots)
        let previousActive = Self.activeList(previousSlots)
        let table = service.selectionTable(slots: slots, size: Int(SLB_SEL_TABLE_SIZE))
        let previousTable = try selectionTables.lookup(id)
        let previousPool = try sourcePools.lookup(id)
        var previousMultihome: MultihomeSnapshot?
        let previousSID = written.withLock { $0.srv6SIDs[id] }
        do {
            // Slots, active list and table first: the program reads at most ep_count slots and
            // active_count list entries, and falls back to the list while a service has no table.
            try writeSlots(id: id, slots, previous: previousSlots, active: active, previousActive: previousActive)
            if let table {
                try writeSelectionTable(id, table, isNew: previousTable == nil)
            } else {
                try selectionTables.delete(id)
            }
            // Only slots that changed hands start from zero; endpoints that stay keep theirs.
            let changed = slots.indices.filter { slot in
                let old = slot < previousSlots.count ? previousSlots[slot] : nil
                return slots[slot] != nil && (old?.address != slots[slot]?.address || old?.port != slots[slot]?.port)
            }
            // Persistence entries of an id's previous service went with its flows (purgeFlows),
            // before the id could be given out again.
            try resetCounters(id: id, fresh: fresh, slots: changed)
            // SRv6 paths and SID before the keys that lead new flows to them.
            try writeSRv6(id: id, slots: slots, sid: service.srv6SID)
            // The source pool before the keys that lead new flows to it.
            try sourcePools.update(id, slb_snat_pool(service.sourcePool))
            // The VIP set before the keys of the secondary VIPs that lead packets to it.
            previousMultihome = try writeMultihome(service)
            // Prefixes before the flag that makes the program consult them; stale ones after it.
            for prefix in service.allowedSources { try allowList.update(slb_allow_key(serviceID: id, prefix), 1) }
            for key in newKeys {
                try services.update(
                    key.abiKey, value(of: service, for: key, slotCount: slots.count, activeCount: active.count))
            }
            for key in staleKeys { _ = try services.delete(key.abiKey) }
            for prefix in Set(oldAllowed).subtracting(service.allowedSources) {
                _ = try allowList.delete(slb_allow_key(serviceID: id, prefix))
            }
            try deleteStale(id: id, slots, previous: previousSlots, active: active, previousActive: previousActive)
        } catch {
            try? writeSlots(id: id, previousSlots, previous: [], active: previousActive, previousActive: [])
            if let previousTable { try? selectionTables.update(id, previousTable) }
            try? writeSRv6(id: id, slots: previousSlots, sid: previousSID)
            try? sourcePools.update(id, previousPool ?? slb_snat_pool())
            restoreMultihome(id: id, previousMultihome)
            for (key, old) in previousValues {
                if let old { try? services.update(key.abiKey, old) } else { _ = try? services.delete(key.abiKey) }
            }
            try? deleteStale(id: id, previousSlots, previous: slots, active: previousActive, previousActive: active)
            for prefix in Set(service.allowedSources).subtracting(oldAllowed) {
                _ = try? allowList.delete(slb_allow_key(serviceID: id, prefix))
            }
            // A hash map refuses a new key with E2BIG when it is full.
            if let failure = error as? BPFError, failure.code == E2BIG {
                throw DatapathLimitError(
                    "a datapath table is full (\(failure.operation)): the service match table holds "
                        + "\(capacity.serviceKeys) ports and secondary VIPs (2 per --max-services), the endpoint "
                        + "tables \(capacity.endpointEntries) slots in all (--endpoint-entries), the allow-lists "
                        + "\(SLB_MAX_ALLOWED_SOURCES) prefixes in all; delete rules or endpoints, shorten port "
                        + "ranges and lists, or restart with larger flags")
            }
            throw error
        }
        written.withLock {
            $0.keys[id] = newKeys
            $0.allowed[id] = service.allowedSources
        }
    }

    func removeNow(key: ServiceKey, id: UInt32) throws {
        let (keys, allowed) = written.withLock { ($0.keys[id] ?? [], $0.allowed[id] ?? []) }
        // A slot whose primary key is another service's is not this service: leave it alone.
        guard keys.isEmpty || keys.first == key else { return }
        let programmed = try services.lookup((keys.first ?? key).abiKey)
        // Endpoint slots live in maps shared by all services: give them back with the service.
        if let programmed, programmed.id == id {
            let slots = try slotLayout(id: id, count: Int(programmed.ep_count))
            try deleteStale(id: id, [], previous: slots, active: [], previousActive: Self.activeList(slots))
        }
        for matchKey in keys.isEmpty ? [key] : keys { _ = try services.delete(matchKey.abiKey) }
        for prefix in allowed { _ = try allowList.delete(slb_allow_key(serviceID: id, prefix)) }
        try sourcePools.update(id, slb_snat_pool())
        try removeMultihome(id: id)
        try removeSRv6(id: id)
        written.withLock {
            $0.keys[id] = nil
            $0.allowed[id] = nil
        }
    }

    /// Reassembles each service from its match keys: the primary VIP's lowest port is the key, its
    /// highest port the range end, and keys flagged secondary give the secondary VIPs.
    func readServices() throws -> [DatapathService] {
        var values: [UInt32: slb_svc_val] = [:]
        var primaryKeys: [UInt32: [ServiceKey]] = [:]
        var secondaryVIPs: [UInt32: Set<IPAddress>] = [:]
        for abiKey in try services.keys(limit: capacity.serviceKeys) {
            guard let key = ServiceKey(abiKey: abiKey), let value = try services.lookup(abiKey) else { continue }
            if value.flags & UInt32(SLB_SVC_F_SECONDARY) != 0 {
                secondaryVIPs[value.id, default: []].insert(key.vip)
            } else {
                primaryKeys[value.id, default: []].append(key)
                values[value.id] = value
            }
        }
        let allowed = try readAllowList()
        var result: [DatapathService] = []
        for (id, keys) in primaryKeys {
            guard let value = values[id], let first = keys.min() else { continue }
            // Slots are stable (SlotLayout); services list their endpoints in the canonical order.
            let endpoints = SlotLayout.canonical(try slotLayout(id: id, count: Int(value.ep_count)))
            let last = keys.map(\.port).max() ?? first.port
            result.append(
                DatapathService(
                    id: id, key: first, selection: SelectionAlgorithm(rawValue: Int(value.sel)) ?? .roundRobin,
                    mode: NATMode(rawValue: Int(value.mode)) ?? .dnat, inactiveTimeout: value.inactive_timeout_s,
                    endpoints: endpoints,
                    portMax: last > first.port ? last : 0, secondaryVIPs: (secondaryVIPs[id] ?? []).sorted(),
                    allowedSources: (allowed[id] ?? []).sorted(), sourcePool: try sourcePools.lookup(id)?.pool,
                    srv6SID: try readSRv6(id: id).sid))
        }
        return result.sorted { $0.key < $1.key }
    }

    /// What the maps hold, per service id (used once at load), in the order `matchKeys` gives.
    func readWrittenEntries() throws(BPFError) -> WrittenEntries {
        var primary: [UInt32: [ServiceKey]] = [:]
        var secondary: [UInt32: [ServiceKey]] = [:]
        for abiKey in try services.keys(limit: capacity.serviceKeys) {
            guard let key = ServiceKey(abiKey: abiKey), let value = try services.lookup(abiKey) else { continue }
            if value.flags & UInt32(SLB_SVC_F_SECONDARY) != 0 {
                secondary[value.id, default: []].append(key)
            } else {
                primary[value.id, default: []].append(key)
            }
        }
        var entries = WrittenEntries()
        for id in Set(primary.keys).union(secondary.keys) {
            entries.keys[id] = (primary[id] ?? []).sorted() + (secondary[id] ?? []).sorted()
        }
        entries.allowed = try readAllowList()
        try readWrittenSRv6(into: &entries)
        return entries
    }

    private func readAllowList() throws(BPFError) -> [UInt32: [IPPrefix]] {
        var result: [UInt32: [IPPrefix]] = [:]
        for key in try allowList.keys(limit: Int(SLB_MAX_ALLOWED_SOURCES)) {
            guard let prefix = key.prefix else { continue }
            result[key.svc_id, default: []].append(prefix)
        }
        return result
    }

    private func value(of service: DatapathService, for key: ServiceKey, slotCount: Int, activeCount: Int)
        -> slb_svc_val
    {
        var value = slb_svc_val()
        value.id = service.id
        value.sel = UInt8(service.selection.rawValue)
        value.mode = UInt8(service.mode.rawValue)
        value.ep_count = UInt16(slotCount)
        value.active_count = UInt16(activeCount)
        value.inactive_timeout_s = service.inactiveTimeout
        if !service.allowedSources.isEmpty { value.flags |= UInt32(SLB_SVC_F_ALLOWLIST) }
        if key.vip != service.key.vip { value.flags |= UInt32(SLB_SVC_F_SECONDARY) }
        return value
    }
}

extension slb_allow_key {
    /// The trie key of `prefix` in service `serviceID`'s allow-list.
    init(serviceID: UInt32, _ prefix: IPPrefix) {
        self.init()
        prefixlen = UInt32(SLB_ALLOW_FIXED_BITS) + UInt32(prefix.length)
        svc_id = serviceID
        family = prefix.address.abiFamily
        addr = prefix.address.abiWords
    }

    /// The prefix this key holds; nil for an unknown family.
    var prefix: IPPrefix? {
        guard let address = IPAddress(abiWords: addr, family: family) else { return nil }
        return IPPrefix(address: address, length: Int(prefixlen) - Int(SLB_ALLOW_FIXED_BITS))
    }
}
