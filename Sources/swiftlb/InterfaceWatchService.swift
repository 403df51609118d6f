import Logging
import ServiceLifecycle
import SwiftLBCore
import SwiftLBDatapath

/// Attaches the datapath to interfaces that appear while the daemon runs and keeps the onearm
/// source addresses (each interface's primary IPv4 address) current; polled every second.
struct InterfaceWatchService: Service {
    let attacher: InterfaceAttacher
    let datapath: any Datapath
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: 1) {
            attacher.sync()
            await syncAddresses()
        }
    }

    /// Writes the interface addresses to the datapath; a failure is logged and retried next poll.
    func syncAddresses() async {
        do {
            try await datapath.refreshInterfaceAddresses()
        } catch {
            logger.error("interface address sync failed", metadata: ["error": "\(error)"])
        }
    }
}
