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
    /// Signalled when the rules or their health change: the next pass runs at once, so a VIP is
    /// withdrawn or announced without waiting for the timer.
    public let ruleChanges: ChangeSignal?

    /// Creates the service.
    public init(supervisor: BGPSupervisor, interval: Duration = .seconds(1), ruleChanges: ChangeSignal? = nil) {
        self.supervisor = supervisor
        self.interval = interval
        self.ruleChanges = ruleChanges
    }

    /// Passes after every rule change and at least every `interval`, until graceful shutdown;
    /// then gobgpd is stopped.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await supervisor.pass()
                if let ruleChanges {
                    await ruleChanges.wait(timeout: interval)
                } else {
                    try await Task.sleep(for: interval)
                }
            }
        }
        await supervisor.shutdown()
    }
}
