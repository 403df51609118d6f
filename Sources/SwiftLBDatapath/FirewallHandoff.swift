import BPFLoader
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// The firewall's datapath while the kernel datapath loads: changes are folded into one pending
/// delta and written, after the maps are emptied of a previous daemon's entries, once `attach`
/// hands the loaded datapath over. From then on every change goes straight through.
public actor FirewallHandoff: FirewallDatapath {
    private var kernel: EBPFDatapath?
    private var pending = FirewallTables.Delta()
    private var pendingResets: [UInt32] = []

    /// A handoff with nothing loaded yet.
    public init() {}

    /// Empties the loaded datapath's firewall maps, writes what is pending, and passes every later
    /// change straight to it.
    public func attach(_ kernel: EBPFDatapath) async throws {
        try kernel.clearFirewall()
        try await kernel.applyFirewall(pending, resetCounters: pendingResets)
        pending = FirewallTables.Delta()
        pendingResets = []
        self.kernel = kernel
    }

    public func applyFirewall(_ delta: FirewallTables.Delta, resetCounters: [UInt32]) async throws(DatapathError) {
        if let kernel {
            try await kernel.applyFirewall(delta, resetCounters: resetCounters)
            return
        }
        pending.merge(delta)
        pendingResets += resetCounters
    }

    public func firewallCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: FirewallCounter] {
        guard let kernel else { return [:] }
        return try await kernel.firewallCounters(ids: ids)
    }

    public nonisolated func interfaceIndex(_ name: String) -> UInt32? {
        let index = if_nametoindex(name)
        return index == 0 ? nil : index
    }
}
