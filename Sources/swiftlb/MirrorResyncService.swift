import Logging
import ServiceLifecycle
import SwiftLBCore

/// Every second, lets mirroring follow the host and the rules: ports that appeared,
/// LB rules created, deleted or renumbered since the last pass (`MirrorStore.resync`).
struct MirrorResyncService: Service {
    let mirrors: MirrorStore
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: 1) {
            guard await mirrors.count > 0 else { return }
            do {
                try await mirrors.resync()
            } catch {
                logger.warning("mirror resync failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
