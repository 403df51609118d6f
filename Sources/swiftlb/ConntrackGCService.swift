import Logging
import ServiceLifecycle
import SwiftLBCore

/// Periodically removes conntrack entries that outlived their state's idle timeout and recounts the
/// open flows per endpoint (lc) from what remains, through the `Datapath` protocol.
struct ConntrackGCService: Service {
    let datapath: any Datapath
    let interval: Int
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: interval) {
            do {
                let sweep = try await datapath.sweepConnections()
                if sweep.removed > 0 || sweep.recounted > 0 {
                    logger.debug(
                        "conntrack gc", metadata: ["removed": "\(sweep.removed)", "recounted": "\(sweep.recounted)"])
                }
            } catch {
                logger.warning("conntrack gc failed", metadata: ["error": "\(error)"])
            }
            HeapTrim.releaseFreePages()
        }
    }
}
