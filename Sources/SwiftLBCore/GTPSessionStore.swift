/// GTP-U sessions' desired state: validated sessions and their uplink classifiers, persisted and
/// pushed to the datapath. Every change is checked completely first, persisted, then programmed;
/// a refused write or datapath change is undone so that an error changes nothing.
public actor GTPSessionStore {
    /// Sessions at once (ids 1 ..< SLB_GTP_MAX_SESSIONS).
    public static let maxSessions = 65535
    /// Classifiers of all sessions together (SLB_GTP_MAX_ULCLS).
    public static let maxClassifiers = 65536

    private let persistence: any GTPSessionConfigStore
    private let datapath: any GTPSessionDatapath
    private var sessions: [String: (id: UInt32, session: GTPSession)] = [:]
    private var nextID: UInt32 = 1
    private var freeIDs: [UInt32] = []
    // One change at a time (see `exclusive`).
    private var changing = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// A store over `persistence` and `datapath`; call `restore()` before serving.
    public init(persistence: any GTPSessionConfigStore, datapath: any GTPSessionDatapath) {
        self.persistence = persistence
        self.datapath = datapath
    }

    /// Number of sessions.
    public var count: Int { sessions.count }

    /// Loads the stored sessions and programs them; returns how many.
    @discardableResult
    public func restore() async throws -> Int {
        let stored = try await persistence.loadGTPSessions()
        for item in stored {
            var session = try GTPSessionValidator.session(from: item.entry)
            for argument in item.classifiers {
                let (_, classifier) = try GTPSessionValidator.classifier(
                    from: SessionUlClEntry(ulclIdent: session.ident, ulclArgument: argument))
                session.classifiers.append(classifier)
            }
            let id = UInt32(item.id)
            sessions[session.ident] = (id, session)
            nextID = max(nextID, id + 1)
        }
        let used = Set(sessions.values.map(\.id))
        freeIDs = (1..<nextID).filter { !used.contains($0) }.reversed()
        try await datapath.applyGTPSessions(programmed, resetCounters: Array(used))
        return stored.count
    }

    /// Adds the session `entry` describes (loxilb: the same ident with other values replaces it,
    /// dropping its classifiers). 400 bad input, 409 it exists or conflicts, 507 full.
    public func add(_ entry: SessionEntry) async throws(APIError) {
        try await exclusive { () async throws(APIError) in try await self.addNow(entry) }
    }

    private func addNow(_ entry: SessionEntry) async throws(APIError) {
        let session = try GTPSessionValidator.session(from: entry)
        let previous = sessions[session.ident]
        if let previous, previous.session.entry == session.entry {
            throw APIError(status: 409, message: "session \(session.ident) exists")
        }
        for (ident, other) in sessions where ident != session.ident {
            if other.session.ueAddress == session.ueAddress {
                throw APIError(status: 409, message: "session \(ident) has UE address \(session.ueAddress)")
            }
            if other.session.coreTunnel == session.coreTunnel {
                throw APIError(
                    status: 409,
                    message:
                        "session \(ident) has core network tunnel \(session.coreTunnel.teid):\(session.coreTunnel.address)"
                )
            }
        }
        guard previous != nil || sessions.count < Self.maxSessions else {
            throw APIError(status: 507, message: "the datapath holds its maximum of \(Self.maxSessions) sessions")
        }
        let id = previous?.id ?? allocateID()
        try await commit(ident: session.ident, to: (id, session), previous: previous, reset: [id])
    }

    /// Adds the classifier `entry` describes to its session: 400 bad input, 404 no such session,
    /// 409 the session has this address or this QFI, 507 full.
    public func addClassifier(_ entry: SessionUlClEntry) async throws(APIError) {
        try await exclusive { () async throws(APIError) in try await self.addClassifierNow(entry) }
    }

    private func addClassifierNow(_ entry: SessionUlClEntry) async throws(APIError) {
        let (ident, classifier) = try GTPSessionValidator.classifier(from: entry)
        guard let current = sessions[ident] else { throw APIError.notFound("no session \(ident)") }
        if current.session.classifiers.contains(where: { $0.address == classifier.address }) {
            throw APIError(status: 409, message: "session \(ident) has a classifier for \(classifier.address)")
        }
        if current.session.classifiers.contains(where: { $0.qfi == classifier.qfi }) {
            throw APIError(status: 409, message: "session \(ident) has a classifier for QFI \(classifier.qfi)")
        }
        guard sessions.values.reduce(0, { $0 + $1.session.classifiers.count }) < Self.maxClassifiers else {
            throw APIError(status: 507, message: "the datapath holds its maximum of \(Self.maxClassifiers) classifiers")
        }
        var session = current.session
        session.classifiers.append(classifier)
        try await commit(ident: ident, to: (current.id, session), previous: current, reset: [])
    }

    /// Deletes session `ident` and its classifiers: 404 no such session.
    public func delete(ident: String) async throws(APIError) {
        try await exclusive { () async throws(APIError) in try await self.deleteNow(ident: ident) }
    }

    private func deleteNow(ident: String) async throws(APIError) {
        guard let current = sessions[ident] else { throw APIError.notFound("no session \(ident)") }
        try await commit(ident: ident, to: nil, previous: current, reset: [])
        freeIDs.append(current.id)
    }

    /// Deletes the classifier of session `ident` for `address`: 400 bad address, 404 none.
    public func deleteClassifier(ident: String, address text: String) async throws(APIError) {
        try await exclusive { () async throws(APIError) in
            try await self.deleteClassifierNow(ident: ident, address: text)
        }
    }

    private func deleteClassifierNow(ident: String, address text: String) async throws(APIError) {
        guard let current = sessions[ident] else { throw APIError.notFound("no session \(ident)") }
        guard let address = IPAddress(text) else {
            throw .badRequest(field: "ip_address", message: "'\(text)' is not an IP address")
        }
        var session = current.session
        guard let index = session.classifiers.firstIndex(where: { $0.address == address }) else {
            throw APIError.notFound("session \(ident) has no classifier for \(address)")
        }
        session.classifiers.remove(at: index)
        try await commit(ident: ident, to: (current.id, session), previous: current, reset: [])
    }

    /// Every session, by id, with "packets:bytes" counters of each direction.
    public func entries() async -> [SessionEntry] {
        let ordered = sessions.values.sorted { $0.id < $1.id }
        let counters = (try? await datapath.gtpSessionCounters(ids: ordered.map(\.id))) ?? [:]
        return ordered.map { id, session in
            var entry = session.entry
            let counter = counters[id] ?? GTPSessionCounter()
            entry.uplinkCounter = "\(counter.uplinkPackets):\(counter.uplinkBytes)"
            entry.downlinkCounter = "\(counter.downlinkPackets):\(counter.downlinkBytes)"
            return entry
        }
    }

    /// Every classifier, by session id then in the order added.
    public func classifierEntries() -> [SessionUlClEntry] {
        sessions.values.sorted { $0.id < $1.id }.flatMap { $0.session.classifierEntries }
    }

    /// Sessions with their ids and counters, for /metrics.
    public func counters() async -> [(session: GTPSession, counter: GTPSessionCounter)] {
        let ordered = sessions.values.sorted { $0.id < $1.id }
        let counters = (try? await datapath.gtpSessionCounters(ids: ordered.map(\.id))) ?? [:]
        return ordered.map { ($0.session, counters[$0.id] ?? GTPSessionCounter()) }
    }

    private var programmed: [UInt32: GTPSession] {
        Dictionary(uniqueKeysWithValues: sessions.values.map { ($0.id, $0.session) })
    }

    /// Runs `change` alone. Actor methods interleave at every await: two changes of one session
    /// that both read it before either commits (concurrent POSTs, as `apply` sends them) would
    /// otherwise both be acknowledged and one of them lost.
    private func exclusive(_ change: () async throws(APIError) -> Void) async throws(APIError) {
        while changing { await withCheckedContinuation { waiters.append($0) } }
        changing = true
        defer {
            changing = false
            if !waiters.isEmpty { waiters.removeFirst().resume() }
        }
        try await change()
    }

    private func allocateID() -> UInt32 {
        if let id = freeIDs.popLast() { return id }
        defer { nextID += 1 }
        return nextID
    }

    /// Persists and programs `ident`'s new state (nil: deleted); on failure puts everything back.
    private func commit(
        ident: String, to new: (id: UInt32, session: GTPSession)?, previous: (id: UInt32, session: GTPSession)?,
        reset: [UInt32]
    ) async throws(APIError) {
        let newID = previous == nil ? new?.id : nil
        do {
            if let new {
                try await persistence.saveGTPSession(
                    StoredGTPSession(
                        id: Int(new.id), entry: new.session.entry,
                        classifiers: new.session.classifierEntries.map(\.ulclArgument)))
            } else if let previous {
                try await persistence.deleteGTPSession(id: Int(previous.id))
            }
        } catch {
            if let newID { freeIDs.append(newID) }
            throw APIError(status: 500, message: "storing session \(ident) failed: \(error)")
        }
        sessions[ident] = new
        do {
            try await datapath.applyGTPSessions(programmed, resetCounters: reset)
        } catch {
            let failure = DatapathError(error)
            sessions[ident] = previous
            if let previous {
                try? await persistence.saveGTPSession(
                    StoredGTPSession(
                        id: Int(previous.id), entry: previous.session.entry,
                        classifiers: previous.session.classifierEntries.map(\.ulclArgument)))
            } else if let new {
                try? await persistence.deleteGTPSession(id: Int(new.id))
            }
            try? await datapath.applyGTPSessions(programmed, resetCounters: [])
            if let newID { freeIDs.append(newID) }
            throw APIError(
                status: failure.isLimit ? 507 : 500, message: "the datapath refused session \(ident): \(failure)")
        }
    }
}
