import Synchronization

/// A datapath that is still loading: calls wait until `resolve` hands over the real one (or fail
/// with the error given to `fail`).
///
/// The daemon starts its API on the stored rules while the kernel verifies the BPF programs (most
/// of a restart's time); the previous instance's pinned programs forward meanwhile, so reads are
/// answered at once and writes wait for the datapath.
public final class DeferredDatapath: Datapath, Sendable {
    private enum State {
        case waiting([CheckedContinuation<any Datapath, any Error>])
        case ready(any Datapath)
        case failed(any Error)
    }

    private let state = Mutex(State.waiting([]))

    /// Creates a datapath that is not loaded yet.
    public init() {}

    /// Hands over the loaded datapath; every waiting call goes on with it.
    public func resolve(_ datapath: any Datapath) {
        settle(.ready(datapath))
    }

    /// Fails every waiting and later call with `error` (the datapath could not be loaded).
    public func fail(_ error: any Error) {
        settle(.failed(error))
    }

    /// The loaded datapath, once there is one; `unavailable` when it could not be loaded.
    public func loaded() async throws(DatapathError) -> any Datapath {
        do {
            return try await settled()
        } catch {
            throw DatapathError(.unavailable, "the datapath could not be loaded: \(error)")
        }
    }

    private func settled() async throws -> any Datapath {
        try await withCheckedThrowingContinuation { continuation in
            let outcome: Result<any Datapath, any Error>? = state.withLock { state in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .ready(let datapath): return .success(datapath)
                case .failed(let error): return .failure(error)
                }
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    private func settle(_ final: State) {
        let waiters = state.withLock { state -> [CheckedContinuation<any Datapath, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = final
            return waiters
        }
        for waiter in waiters {
            switch final {
            case .ready(let datapath): waiter.resume(returning: datapath)
            case .failed(let error): waiter.resume(throwing: error)
            case .waiting: break
            }
        }
    }

    nonisolated(nonsending) public func upsert(_ service: DatapathService) async throws(DatapathError) {
        try await loaded().upsert(service)
    }

    public func remove(key: ServiceKey, id: UInt32) async throws(DatapathError) {
        try await loaded().remove(key: key, id: id)
    }

    public func remove(_ services: [(key: ServiceKey, id: UInt32)]) async throws(DatapathError) {
        try await loaded().remove(services)
    }

    nonisolated(nonsending) public func retire(_ services: [(key: ServiceKey, id: UInt32)]) async throws(DatapathError)
    {
        try await loaded().retire(services)
    }

    public func purgeFlows(serviceIDs: Set<UInt32>) async throws(DatapathError) {
        try await loaded().purgeFlows(serviceIDs: serviceIDs)
    }

    public func purgeFlows(exceptServiceIDs kept: Set<UInt32>) async throws(DatapathError) {
        try await loaded().purgeFlows(exceptServiceIDs: kept)
    }

    public func programmedServices() async throws(DatapathError) -> [DatapathService] {
        try await loaded().programmedServices()
    }

    public func serviceCounters(id: UInt32) async throws(DatapathError) -> Counters {
        try await loaded().serviceCounters(id: id)
    }

    public func endpointCounters(id: UInt32, count: Int) async throws(DatapathError) -> [Counters] {
        try await loaded().endpointCounters(id: id, count: count)
    }

    public func connections() async throws(DatapathError) -> [ConnectionEntry] {
        try await loaded().connections()
    }

    public func packetCounters() async throws(DatapathError) -> [String: UInt64] {
        try await loaded().packetCounters()
    }

    public func sweepConnections() async throws(DatapathError) -> ConnectionSweep {
        try await loaded().sweepConnections()
    }

    public func refreshInterfaceAddresses() async throws(DatapathError) {
        try await loaded().refreshInterfaceAddresses()
    }
}
