import BPFLoader
import SwiftLBCore

/// GTP-U sessions' datapath while the kernel datapath loads: the latest set waits and is written,
/// replacing whatever a previous daemon left in the maps, once `attach` hands the loaded datapath
/// over. From then on every change goes straight through.
public actor GTPSessionHandoff: GTPSessionDatapath {
    private var kernel: EBPFDatapath?
    private var pending: [UInt32: GTPSession] = [:]
    private var pendingResets: Set<UInt32> = []

    /// A handoff with nothing loaded yet.
    public init() {}

    /// Writes the pending sessions to the loaded datapath and passes every later change to it.
    public func attach(_ kernel: EBPFDatapath) async throws {
        try kernel.programGTPSessions(pending, resetCounters: pendingResets.sorted())
        pending = [:]
        pendingResets = []
        self.kernel = kernel
    }

    public func applyGTPSessions(_ sessions: [UInt32: GTPSession], resetCounters: [UInt32]) async throws(DatapathError)
    {
        if let kernel {
            try await kernel.applyGTPSessions(sessions, resetCounters: resetCounters)
            return
        }
        pending = sessions
        pendingResets.formUnion(resetCounters)
    }

    public func gtpSessionCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: GTPSessionCounter] {
        guard let kernel else { return [:] }
        return try await kernel.gtpSessionCounters(ids: ids)
    }
}
