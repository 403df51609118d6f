import BPFLoader
import Logging
import SwiftLBCore

/// GTP-U sessions' datapath while the kernel datapath loads: the latest set waits and is written,
/// replacing whatever a previous daemon left in the maps, once `attach` hands the loaded datapath
/// over. From then on every change goes straight through.
///
/// With a `GSOResegmentPair`, the pair exists (with the ingress program attached to its
/// receiving end) exactly while sessions do, so that GSO packets of sessions are segmented before
/// they are encapsulated or decapsulated. A pair that cannot be set up is logged and the sessions
/// still work; their GSO packets are then dropped and counted (`drop_gtpu_gso`).
public actor GTPSessionHandoff: GTPSessionDatapath {
    private var kernel: EBPFDatapath?
    private var pending: [UInt32: GTPSession] = [:]
    private var pendingResets: Set<UInt32> = []
    private let pair: GSOResegmentPair?
    private let logger: Logger
    private var pairIndexes: GSOResegmentPair.Indexes?

    /// A handoff with nothing loaded yet; `resegmentPair` is managed once `attach` ran.
    public init(resegmentPair: GSOResegmentPair? = nil, logger: Logger = Logger(label: "swiftlb.gtpu")) {
        self.pair = resegmentPair
        self.logger = logger
    }

    /// Writes the pending sessions to the loaded datapath and passes every later change to it.
    public func attach(_ kernel: EBPFDatapath) async throws {
        try kernel.programGTPSessions(pending, resetCounters: pendingResets.sorted())
        syncPair(kernel, wanted: !pending.isEmpty)
        pending = [:]
        pendingResets = []
        self.kernel = kernel
    }

    public func applyGTPSessions(_ sessions: [UInt32: GTPSession], resetCounters: [UInt32]) async throws(DatapathError)
    {
        if let kernel {
            try await kernel.applyGTPSessions(sessions, resetCounters: resetCounters)
            syncPair(kernel, wanted: !sessions.isEmpty)
            return
        }
        pending = sessions
        pendingResets.formUnion(resetCounters)
    }

    public func gtpSessionCounters(ids: [UInt32]) async throws(DatapathError) -> [UInt32: GTPSessionCounter] {
        guard let kernel else { return [:] }
        return try await kernel.gtpSessionCounters(ids: ids)
    }

    /// Sets the pair up (first session) or removes it (last session gone); failures are logged.
    private func syncPair(_ kernel: EBPFDatapath, wanted: Bool) {
        guard let pair else { return }
        do {
            if wanted {
                // Set up already (the common case: one more session): no process, no ioctl.
                if let current = pairIndexes, GSOResegmentPair.existing() == current { return }
                let indexes = try pair.ensure()
                try TrafficControl.attach(try kernel.programs().ingress, ifindex: indexes.in, direction: .ingress)
                try kernel.programGTPResegmentPair(indexes)
                pairIndexes = indexes
                logger.info(
                    "GSO resegmenting pair ready",
                    metadata: ["out": "\(GSOResegmentPair.outName)", "in": "\(GSOResegmentPair.inName)"])
            } else {
                guard pairIndexes != nil || GSOResegmentPair.existing() != nil else { return }
                try kernel.programGTPResegmentPair(nil)
                pairIndexes = nil
                try pair.remove()
            }
        } catch {
            logger.error(
                "GSO resegmenting pair: GSO packets of sessions are dropped (drop_gtpu_gso)",
                metadata: ["error": "\(error)"])
        }
    }
}
