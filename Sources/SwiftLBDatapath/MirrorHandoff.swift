import BPFLoader
import SwiftLBCore

#if canImport(Glibc)
    import Glibc
#endif

/// Mirroring's datapath while the kernel datapath loads: the latest attachments wait and are
/// written (replacing a previous daemon's) once `attach` hands the loaded datapath over. From
/// then on every change goes straight through.
public actor MirrorHandoff: MirrorDatapath {
    private var kernel: EBPFDatapath?
    private var pending = MirrorAttachments()
    private var pendingResets: Set<UInt32> = []

    /// A handoff with nothing loaded yet.
    public init() {}

    /// Writes what is pending to the loaded datapath and passes every later change to it.
    public func attach(_ kernel: EBPFDatapath) async throws {
        for id in pendingResets { try await kernel.resetMirrorCounters(id: id) }
        try await kernel.applyMirrors(pending)
        pendingResets = []
        self.kernel = kernel
    }

    public func applyMirrors(_ attachments: MirrorAttachments) async throws(DatapathError) {
        if let kernel {
            try await kernel.applyMirrors(attachments)
            return
        }
        pending = attachments
    }

    public func resetMirrorCounters(id: UInt32) async throws(DatapathError) {
        if let kernel {
            try await kernel.resetMirrorCounters(id: id)
            return
        }
        pendingResets.insert(id)
    }

    public func mirrorCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: MirrorCounter] {
        guard let kernel else { return [:] }
        return try await kernel.mirrorCounters(ids: ids)
    }

    public nonisolated func interfaceIndex(_ name: String) -> UInt32? {
        let index = if_nametoindex(name)
        return index == 0 ? nil : index
    }
}
