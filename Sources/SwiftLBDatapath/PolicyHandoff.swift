import BPFLoader
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// The policers' datapath while the kernel datapath loads: the desired state waits and is
/// written, after a previous daemon's attachments are cleared, once `attach` hands the loaded
/// datapath over. It remembers what the maps hold so that each change writes only the difference.
public actor PolicyHandoff: PolicyDatapath {
    private var kernel: EBPFDatapath?
    private var desired = PolicyDatapathState()
    private var written = PolicyDatapathState()

    /// A handoff with nothing loaded yet.
    public init() {}

    /// Clears the loaded datapath's attachments, writes the desired state, and passes every later
    /// change straight to it. Every policer starts with full buckets.
    public func attach(_ kernel: EBPFDatapath) async throws {
        try kernel.clearPolicies()
        try kernel.writePolicies(from: PolicyDatapathState(), to: desired)
        written = desired
        self.kernel = kernel
    }

    public func applyPolicies(_ state: PolicyDatapathState) async throws(DatapathError) {
        desired = state
        guard let kernel else { return }
        do {
            try kernel.writePolicies(from: written, to: state)
            written = state
        } catch {
            // Part of it may be written: the next write starts from an empty state and rewrites all.
            written = PolicyDatapathState()
            try? kernel.clearPolicies()
            throw DatapathError(error)
        }
    }

    public func policerCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: PolicyStats] {
        guard let kernel else { return [:] }
        do {
            return try kernel.readPolicerCounters(ids: ids)
        } catch {
            throw DatapathError(error)
        }
    }

    public nonisolated func interfaceIndex(_ name: String) -> UInt32? {
        let index = if_nametoindex(name)
        return index == 0 ? nil : index
    }
}
