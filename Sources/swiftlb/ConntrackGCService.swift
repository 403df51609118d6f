import Logging
import ServiceLifecycle
import SwiftLBDatapath

/// Periodically removes conntrack entries that outlived their state's idle timeout.
struct ConntrackGCService: Service {
    let datapath: EBPFDatapath
    let interval: Int
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: interval) {
            do {
                let removed = try datapath.collectExpiredConnections()
                if removed > 0 { logger.debug("conntrack gc", metadata: ["removed": "\(removed)"]) }
            } catch {
                logger.warning("conntrack gc failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
