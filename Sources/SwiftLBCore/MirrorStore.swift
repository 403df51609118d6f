/// Mirroring's desired state: validated mirrors, persisted and pushed to the datapath. A change
/// is checked completely first and undone when the store or the datapath refuses it, so an error
/// changes nothing.
///
/// A mirror whose port or rule is missing is kept and shown with `sync` 1; `resync()` (called
/// after every change and periodically by the daemon) installs it once they exist and follows
/// rules whose service ids change.
public actor MirrorStore {
    /// The most mirrors at once (ids 1 ..< 1024, the datapath's counter slots).
    public static let maxMirrors = 1023

    /// The service ids of the LB rules a name selects (by rule name or "vip:port/proto").
    public typealias RuleResolver = @Sendable (String) async -> [UInt32]

    struct Installed {
        var id: UInt32
        var mirror: Mirror
    }

    private let persistence: any MirrorConfigStore
    private let datapath: any MirrorDatapath
    private let resolveRule: RuleResolver
    private var mirrors: [String: Installed] = [:]
    private var synced: Set<UInt32> = []
    private var applied: MirrorAttachments?

    /// A store over `persistence` and `datapath`; `resolveRule` finds LB rules. Call `restore()`.
    public init(
        persistence: any MirrorConfigStore, datapath: any MirrorDatapath, resolveRule: @escaping RuleResolver
    ) {
        self.persistence = persistence
        self.datapath = datapath
        self.resolveRule = resolveRule
    }

    /// Number of mirrors.
    public var count: Int { mirrors.count }

    /// Loads the stored mirrors and installs them; returns how many.
    @discardableResult
    public func restore() async throws -> Int {
        let stored = try await persistence.loadMirrors()
        for item in stored {
            let mirror = try MirrorValidator.mirror(from: item.entry)
            let id = UInt32(item.id)
            mirrors[mirror.ident] = Installed(id: id, mirror: mirror)
            try await datapath.resetMirrorCounters(id: id)
        }
        try await resync(force: true)
        return stored.count
    }

    /// Adds the mirror `entry` describes: 400 bad input, 409 it exists or its target is taken,
    /// 507 the limit. A mirror of an existing name with other settings replaces it (as in loxilb).
    public func add(_ entry: MirrorEntry) async throws(APIError) {
        let mirror = try MirrorValidator.mirror(from: entry)
        if let existing = mirrors[mirror.ident], existing.mirror == mirror {
            throw .conflict("mirror \(mirror.ident) exists with these settings", fields: ["mirrorIdent"])
        }
        try checkHost(mirror)
        try checkTarget(mirror)
        if mirrors[mirror.ident] != nil { try await delete(mirror.ident) }
        let used = Set(mirrors.values.map(\.id))
        guard mirrors.count < Self.maxMirrors,
            let id = (1...UInt32(Self.maxMirrors)).first(where: { !used.contains($0) })
        else {
            throw .insufficientStorage("mirroring holds its maximum of \(Self.maxMirrors) mirrors")
        }
        do {
            try await persistence.saveMirror(StoredMirror(id: Int(id), entry: mirror.entry))
        } catch {
            throw .internalError("storing mirror \(mirror.ident) failed: \(error)")
        }
        do {
            try await datapath.resetMirrorCounters(id: id)
            mirrors[mirror.ident] = Installed(id: id, mirror: mirror)
            try await resync(force: false)
        } catch {
            mirrors[mirror.ident] = nil
            try? await resync(force: true)
            try? await persistence.deleteMirror(id: Int(id))
            throw .internalError("the datapath refused mirror \(mirror.ident): \(error)")
        }
    }

    /// Deletes the mirror `ident`: 404 when there is none. Its copies stop before it returns.
    public func delete(_ ident: String) async throws(APIError) {
        guard let installed = mirrors[ident] else {
            throw .notFound("there is no mirror named \(ident)", fields: ["ident"])
        }
        do {
            try await persistence.deleteMirror(id: Int(installed.id))
        } catch {
            throw .internalError("removing mirror \(ident) from the store failed: \(error)")
        }
        mirrors[ident] = nil
        synced.remove(installed.id)
        do {
            try await resync(force: false)
        } catch {
            throw .internalError("mirror \(ident) deleted, but the datapath failed: \(error)")
        }
    }

    /// Every mirror by name, with `sync` and its counters.
    public func entries() async -> [MirrorEntry] {
        let counters = (try? await datapath.mirrorCounters(ids: mirrors.values.map(\.id))) ?? [:]
        return mirrors.values.sorted { $0.mirror.ident < $1.mirror.ident }.map { installed in
            var entry = installed.mirror.entry
            let counter = counters[installed.id] ?? MirrorCounter()
            entry.sync = synced.contains(installed.id) ? 0 : 1
            entry.counter = "\(counter.packets):\(counter.bytes)"
            entry.failures = Int(clamping: counter.failures)
            return entry
        }
    }

    /// Resolves ports and rules again and writes the attachments when they changed (always with
    /// `force`).
    public func resync(force: Bool = false) async throws(DatapathError) {
        var attachments = MirrorAttachments()
        var ready: Set<UInt32> = []
        for installed in mirrors.values.sorted(by: { $0.id < $1.id }) {
            guard let target = target(installed) else { continue }
            switch installed.mirror.attachment {
            case .port(let name):
                guard let port = datapath.interfaceIndex(name), attachments.ports[port] == nil else { continue }
                attachments.ports[port] = target
            case .rule(let name):
                let ids = await resolveRule(name).filter { attachments.services[$0] == nil }
                guard !ids.isEmpty else { continue }
                for service in ids { attachments.services[service] = target }
            }
            ready.insert(installed.id)
        }
        if force || attachments != applied {
            try await datapath.applyMirrors(attachments)
            applied = attachments
        }
        synced = ready
    }

    /// The datapath's target of `installed`; nil while its mirror port is missing.
    private func target(_ installed: Installed) -> MirrorTarget? {
        let destination = installed.mirror.destination
        switch destination {
        case .span(let port), .rspan(let port, _):
            guard let ifindex = datapath.interfaceIndex(port) else { return nil }
            return MirrorTarget(id: installed.id, destination: destination, ifindex: ifindex)
        case .erspan:
            return MirrorTarget(id: installed.id, destination: destination, ifindex: 0)
        }
    }

    /// The ports a new mirror names must exist now (a restored one may wait for them).
    private func checkHost(_ mirror: Mirror) throws(APIError) {
        switch mirror.destination {
        case .span(let port), .rspan(let port, _):
            guard datapath.interfaceIndex(port) != nil else {
                throw .badRequest(field: "mirrorInfo.port", message: "there is no interface named \(port)")
            }
        case .erspan: break
        }
        if case .port(let name) = mirror.attachment, datapath.interfaceIndex(name) == nil {
            throw .badRequest(field: "targetObject.mirrObjName", message: "there is no interface named \(name)")
        }
    }

    /// One mirror per port and per rule name.
    private func checkTarget(_ mirror: Mirror) throws(APIError) {
        if let other = mirrors.values.first(where: {
            $0.mirror.attachment == mirror.attachment && $0.mirror.ident != mirror.ident
        }) {
            throw .conflict(
                "mirror \(other.mirror.ident) already copies this \(mirror.attachment.kind); delete it first",
                fields: ["targetObject.mirrObjName"])
        }
    }
}

extension Mirror.Attachment {
    var kind: String {
        switch self {
        case .port: "port"
        case .rule: "rule"
        }
    }
}
