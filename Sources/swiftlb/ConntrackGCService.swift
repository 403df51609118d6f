import Logging
import ServiceLifecycle
import SwiftLBDatapath

/// Periodically removes conntrack entries that outlived their state's idle timeout and recounts the
/// open flows per endpoint (lc) from what remains.
struct ConntrackGCService: Service {
    let datapath: EBPFDatapath
    let interval: Int
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: interval) {
            do {
                let removed = try datapath.collectExpiredConnections()
                // lc reads these counts: recount after the sweep so removed flows give theirs back.
                let corrected = try datapath.recountOpenFlows()
                if removed > 0 || corrected > 0 {
                    logger.debug("conntrack gc", metadata: ["removed": "\(removed)", "recounted": "\(corrected)"])
                }
            } catch {
                logger.warning("conntrack gc failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
