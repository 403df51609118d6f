import ServiceLifecycle
import SwiftLBDatapath

/// Attaches the datapath to interfaces that appear while the daemon runs (polled every second).
struct InterfaceWatchService: Service {
    let attacher: InterfaceAttacher

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                attacher.sync()
            }
        }
    }
}
