/// The QoS policies' desired state: validated policies with their policer ids, persisted and
/// pushed to the datapath as one `PolicyDatapathState`. A change is checked completely first
/// and undone when the store or the datapath refuses it. LB rule attachments name rules, whose
/// service ids change as rules come and go: `resync()` (run on every rule change) re-resolves them.
public actor PolicyStore {
    /// The service ids of the LB rules with each name.
    public typealias RuleResolver = @Sendable () async -> [String: [UInt32]]

    private let persistence: any PolicyConfigStore
    private let datapath: any PolicyDatapath
    private let rules: RuleResolver
    private var policies: [String: (id: UInt32, policer: Policer)] = [:]
    private var freeIDs: [UInt32] = []
    private var nextID: UInt32 = 1

    /// The largest number of policies (policer ids 1 ..< SLB_POL_MAX).
    public static let maxPolicies = 8191

    /// A store over `persistence` and `datapath`; `rules` resolves LB rule names. Call `restore()` first.
    public init(persistence: any PolicyConfigStore, datapath: any PolicyDatapath, rules: @escaping RuleResolver) {
        self.persistence = persistence
        self.datapath = datapath
        self.rules = rules
    }

    /// Number of policies.
    public var count: Int { policies.count }

    /// Loads the stored policies and writes them to the datapath; returns how many.
    @discardableResult
    public func restore() async throws -> Int {
        let stored = try await persistence.loadPolicies()
        for item in stored {
            let policer = try PolicyValidator.policer(from: item.entry)
            let id = UInt32(item.id)
            policies[policer.ident] = (id, policer)
            nextID = max(nextID, id + 1)
        }
        let used = Set(policies.values.map(\.id))
        freeIDs = (1..<nextID).filter { !used.contains($0) }.reversed()
        try await datapath.applyPolicies(await desiredState())
        return stored.count
    }

    /// Adds the policy `entry` describes, or replaces the one of the same name when its parameters
    /// differ (as loxilb does): 400 bad input, 409 the same policy exists or its target has another
    /// policy, 507 the limit.
    public func add(_ entry: PolicyEntry) async throws(APIError) {
        let policer = try PolicyValidator.policer(from: entry)
        let previous = policies[policer.ident]
        if let previous, previous.policer.entry == policer.entry {
            throw APIError(status: 409, message: "policy \(policer.ident) exists with these parameters")
        }
        if let other = policies.values.first(where: {
            $0.policer.ident != policer.ident && $0.policer.target == policer.target
        }) {
            throw APIError(
                status: 409,
                message: "\(Self.describe(policer.target)) already has policy \(other.policer.ident); delete it first")
        }
        if case .port(let name) = policer.target, datapath.interfaceIndex(name) == nil {
            throw .badRequest(field: "targetObject.polObjName", message: "there is no interface named \(name)")
        }
        guard previous != nil || policies.count < Self.maxPolicies else {
            throw APIError(status: 507, message: "SwiftLB holds its maximum of \(Self.maxPolicies) policies")
        }
        let id = previous?.id ?? allocateID()
        do {
            try await persistence.savePolicy(StoredPolicy(id: Int(id), entry: policer.entry))
        } catch {
            if previous == nil { freeIDs.append(id) }
            throw APIError(status: 500, message: "storing the policy failed: \(error)")
        }
        policies[policer.ident] = (id, policer)
        do {
            try await datapath.applyPolicies(await desiredState())
        } catch {
            policies[policer.ident] = previous
            if let previous {
                try? await persistence.savePolicy(StoredPolicy(id: Int(id), entry: previous.policer.entry))
            } else {
                try? await persistence.deletePolicy(id: Int(id))
                freeIDs.append(id)
            }
            try? await datapath.applyPolicies(await desiredState())
            let failure = DatapathError(error)
            throw APIError(
                status: failure.isLimit ? 507 : 500, message: "the datapath refused the policy: \(failure)")
        }
    }

    /// Deletes the policy named `ident`: 400 bad name, 404 no such policy.
    public func delete(ident: String) async throws(APIError) {
        let ident = try PolicyValidator.ident(ident)
        guard let (id, _) = policies[ident] else { throw APIError.notFound("no policy named \(ident)") }
        do {
            try await persistence.deletePolicy(id: Int(id))
        } catch {
            throw APIError(status: 500, message: "removing the policy from the store failed: \(error)")
        }
        policies[ident] = nil
        freeIDs.append(id)
        do {
            try await datapath.applyPolicies(await desiredState())
        } catch {
            throw APIError(status: 500, message: "policy \(ident) deleted, but the datapath failed: \(error)")
        }
    }

    /// Every policy sorted by name, with its counters (zero when they cannot be read).
    public func entries() async -> [PolicyEntry] {
        let counters = (try? await datapath.policerCounters(ids: policies.values.map(\.id))) ?? [:]
        return policies.values.sorted { $0.policer.ident < $1.policer.ident }.map { id, policer in
            var entry = policer.entry
            entry.policyStats = counters[id] ?? PolicyStats()
            return entry
        }
    }

    /// Writes the attachments again from the current LB rules and interfaces.
    public func resync() async throws(DatapathError) {
        try await datapath.applyPolicies(await desiredState())
    }

    /// The datapath state of the current policies.
    public func desiredState() async -> PolicyDatapathState {
        var state = PolicyDatapathState()
        let byName =
            policies.values.contains { if case .rule = $0.policer.target { true } else { false } }
            ? await rules() : [:]
        for (id, policer) in policies.values {
            state.policers[id] = policer.parameters
            switch policer.target {
            case .port(let name):
                if let index = datapath.interfaceIndex(name) { state.ports[index] = id }
            case .rule(let name):
                for service in byName[name] ?? [] { state.services[service] = id }
            }
        }
        return state
    }

    private func allocateID() -> UInt32 {
        if let id = freeIDs.popLast() { return id }
        defer { nextID += 1 }
        return nextID
    }

    private static func describe(_ target: Policer.Target) -> String {
        switch target {
        case .port(let name): "interface \(name)"
        case .rule(let name): "LB rule \(name)"
        }
    }
}
