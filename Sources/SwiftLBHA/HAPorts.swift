import Logging
import SwiftLBCore

/// The sync link as election sees it: announcements out, the peers' latest announcements in.
public protocol HAPeerLink: Sendable {
    /// A new version whenever a peer's announcement arrives or its link goes.
    var changes: StateFeed { get }
    /// Tells every peer this instance's roles (now, and on each later connection).
    func announce(_ announcements: [HAAnnouncement]) async
    /// Each connected peer's latest announcements; a peer without a live link is absent.
    func peerAnnouncements() async -> [IPAddress: [HAAnnouncement]]
    /// False while the link cannot run yet (the datapath is loading): nobody can be heard, so the
    /// start-up hold has not begun.
    var isAttached: Bool { get }
    /// The link's counters (nil: it keeps none, or is not running yet).
    func counters() -> HASyncCounters?
}

extension HAPeerLink {
    public var isAttached: Bool { true }
    public func counters() -> HASyncCounters? { nil }
}

/// Who answers for the VIPs on layer 2: a MASTER holds them, a BACKUP does not.
public protocol VIPOwner: Sendable {
    /// Holds exactly `owned` of `known`: adds the ones missing and removes the rest of `known`.
    /// Announces each VIP it added, and all of `owned` when `announceAll`. Returns the problems.
    func hold(_ owned: Set<IPAddress>, of known: Set<IPAddress>, announceAll: Bool) async -> [String]
}

/// The kernel's addresses and gratuitous ARP / unsolicited NA (VIPAddresses, Announcer).
public struct KernelVIPOwner: VIPOwner {
    /// Announcements per VIP and their spacing.
    public var count: Int
    public var gap: Duration
    public var logger: Logger

    public init(logger: Logger, count: Int = 3, gap: Duration = .milliseconds(200)) {
        self.logger = logger
        self.count = count
        self.gap = gap
    }

    public func hold(_ owned: Set<IPAddress>, of known: Set<IPAddress>, announceAll: Bool) async -> [String] {
        var problems: [String] = []
        var announce: [(IPAddress, VIPAddresses.Interface)] = []
        // One read of the addresses for every VIP (this runs at least once a second).
        let addresses = VIPAddresses.Snapshot.read()
        for vip in owned.sorted() {
            guard let interface = addresses.interface(for: vip) else {
                // Routed VIPs (BGP) are reached without ARP: nothing to hold on layer 2.
                continue
            }
            let held = addresses.holders(of: vip).contains(interface)
            if !held {
                do {
                    try VIPAddresses.add(vip, to: interface)
                } catch {
                    problems.append(error.description)
                    continue
                }
            }
            if !held || announceAll { announce.append((vip, interface)) }
        }
        for vip in known.subtracting(owned).sorted() {
            for interface in addresses.holders(of: vip) where interface.name != "lo" {
                do {
                    try VIPAddresses.remove(vip, from: interface)
                } catch {
                    problems.append(error.description)
                }
            }
        }
        // Sent in parallel and not awaited: the repeats (gap apart) must not delay the next decision.
        for (vip, interface) in announce {
            let logger = logger
            Announcer.announceInBackground(vip, on: interface.name, count: count, gap: gap) { error in
                logger.warning("cannot announce VIP", metadata: ["vip": "\(vip)", "error": "\(error)"])
            }
        }
        return problems
    }
}
