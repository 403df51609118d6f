import Logging
import ServiceLifecycle
import SwiftLBCore

/// The BGP subsystem as a swift-service-lifecycle `Service`: runs the supervisor's passes until the
/// group shuts down gracefully, then stops gobgpd.
public struct BGPService: Service {
    /// The supervisor driven by this service.
    public let supervisor: BGPSupervisor
    /// Most time between passes (gobgpd's supervision, configuration changes).
    public let interval: Duration
    /// The desired state's versions: a new one (rules or their health changed) runs the next pass
    /// at once, so a VIP is withdrawn or announced without waiting for the timer.
    public let feed: StateFeed?

    /// Creates the service.
    public init(supervisor: BGPSupervisor, interval: Duration = .seconds(1), feed: StateFeed? = nil) {
        self.supervisor = supervisor
        self.interval = interval
        self.feed = feed
    }

    /// Passes after every rule change and at least every `interval`, until graceful shutdown;
    /// then gobgpd is stopped.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // Read before the pass: a version published during it runs the next pass at once.
                let seen = feed?.version ?? 0
                await supervisor.pass()
                if let feed {
                    // A burst of changes (thousands of creates) costs a pass per 50 ms, not per
                    // batch: each pass reads the whole desired state.
                    if await feed.next(after: seen, timeout: interval) > seen {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                } else {
                    try await Task.sleep(for: interval)
                }
            }
        }
        await supervisor.shutdown()
    }
}
