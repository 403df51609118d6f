import Logging
import ServiceLifecycle
import SwiftLBDatapath

/// Attaches the datapath to interfaces that appear while the daemon runs and keeps the onearm
/// source addresses (each interface's primary IPv4 address) current; polled every second.
struct InterfaceWatchService: Service {
    let attacher: InterfaceAttacher
    let datapath: EBPFDatapath
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: 1) {
            attacher.sync()
            syncAddresses()
        }
    }

    /// Writes the interface addresses to the datapath; a failure is logged and retried next poll.
    func syncAddresses() {
        do {
            try datapath.syncInterfaceAddresses()
        } catch {
            logger.error("interface address sync failed", metadata: ["error": "\(error)"])
        }
    }
}
