import Logging
import ServiceLifecycle

/// The BGP subsystem as a swift-service-lifecycle `Service`: runs the supervisor's passes until the
/// group shuts down gracefully, then stops gobgpd.
public struct BGPService: Service {
    /// The supervisor driven by this service.
    public let supervisor: BGPSupervisor
    /// Time between passes.
    public let interval: Duration

    /// Creates the service.
    public init(supervisor: BGPSupervisor, interval: Duration = .seconds(1)) {
        self.supervisor = supervisor
        self.interval = interval
    }

    /// Passes every `interval` until graceful shutdown; then gobgpd is stopped.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await supervisor.pass()
                try await Task.sleep(for: interval)
            }
        }
        await supervisor.shutdown()
    }
}
