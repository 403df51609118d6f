import SwiftLBCore
import Synchronization

/// The sync link before it exists: the API and the election start before the datapath is loaded,
/// and the link needs the datapath's conntrack table. Announcements wait here until `attach`, and
/// no peer is seen before it; the election's start-up hold starts at `attach`.
public final class DeferredPeerLink: HAPeerLink {
    private struct State {
        var link: (any HAPeerLink)?
        var pending: [HAAnnouncement]?
    }

    public let changes = StateFeed()
    private let state = Mutex(State())

    public init() {}

    /// True once the real link is attached.
    public var isAttached: Bool { state.withLock { $0.link != nil } }

    /// Hands over to `link`: the latest announcement goes out, and its changes become ours.
    public func attach(_ link: any HAPeerLink) async {
        let pending = state.withLock { state in
            state.link = link
            defer { state.pending = nil }
            return state.pending
        }
        if let pending { await link.announce(pending) }
        let changes = changes
        Task {
            var seen = link.changes.version
            while !Task.isCancelled {
                seen = await link.changes.next(after: seen)
                changes.publish()
            }
        }
        changes.publish()
    }

    /// Returns once a link is attached.
    public func waitAttached() async {
        var seen = changes.version
        while !isAttached, !Task.isCancelled {
            seen = await changes.next(after: seen)
        }
    }

    public func announce(_ announcements: [HAAnnouncement]) async {
        let link = state.withLock { state in
            if state.link == nil { state.pending = announcements }
            return state.link
        }
        await link?.announce(announcements)
    }

    public func counters() -> HASyncCounters? {
        state.withLock { $0.link }?.counters()
    }

    public func peerAnnouncements() async -> [IPAddress: [HAAnnouncement]] {
        guard let link = state.withLock({ $0.link }) else { return [:] }
        return await link.peerAnnouncements()
    }
}
