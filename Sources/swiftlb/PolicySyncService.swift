import Logging
import ServiceLifecycle
import SwiftLBCore

/// Keeps the policers' attachments current: after every change of the LB rules (their service
/// ids move as rules come and go) and every few seconds (interfaces that appear or are renumbered).
struct PolicySyncService: Service {
    let policies: PolicyStore
    let feed: StateFeed
    let logger: Logger
    var resync: Duration = .seconds(2)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var seen: UInt64 = 0
            while !Task.isCancelled {
                seen = await feed.next(after: seen, timeout: resync)
                guard !Task.isCancelled else { return }
                do {
                    try await policies.resync()
                } catch {
                    logger.error("policy attachment sync failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
