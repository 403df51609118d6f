import BPFLoader
import Foundation
import Logging
import ServiceLifecycle
import SwiftLBCore
import SwiftLBDatapath
import Synchronization

/// Attaches the datapath to interfaces that appear while the daemon runs and keeps the onearm
/// source addresses current. Driven by the kernel's link and address announcements
/// (`InterfaceEvents`), read on a thread of its own; a resync every `resync` catches anything
/// missed. Without netlink it falls back to reading the interfaces every second.
struct InterfaceWatchService: Service {
    let attacher: InterfaceAttacher
    let datapath: any Datapath
    let logger: Logger
    var resync: Duration = .seconds(30)

    func run() async throws {
        let wake = StateFeed()
        let listener = InterfaceEventThread(wake: wake, logger: logger)
        defer { listener?.stop() }
        try? await cancelWhenGracefulShutdown {
            var seen: UInt64 = 0
            while !Task.isCancelled {
                seen = await wake.next(after: seen, timeout: listener == nil ? .seconds(1) : resync)
                guard !Task.isCancelled else { return }
                // A new veth pair or address is several announcements: let the burst settle.
                try await Task.sleep(for: .milliseconds(20))
                seen = max(seen, wake.version)
                attacher.sync()
                await syncAddresses()
            }
        }
    }

    /// Writes the interface addresses to the datapath; a failure is logged and retried on the
    /// next change or resync.
    func syncAddresses() async {
        do {
            try await datapath.refreshInterfaceAddresses()
        } catch {
            logger.error("interface address sync failed", metadata: ["error": "\(error)"])
        }
    }
}

/// A thread blocked on the netlink socket (a blocking read must not hold one of the few threads
/// Swift concurrency runs on), publishing on `wake` after every change.
final class InterfaceEventThread: Sendable {
    private let stopped = Mutex(false)

    /// Starts listening; nil (logged) when the netlink socket cannot be opened.
    init?(wake: StateFeed, logger: Logger) {
        let events: InterfaceEvents
        do {
            events = try InterfaceEvents()
        } catch {
            logger.warning(
                "cannot subscribe to interface changes; reading the interfaces every second instead",
                metadata: ["error": "\(error)"])
            return nil
        }
        let thread = Thread {
            while !self.stopped.withLock({ $0 }) {
                if events.wait(timeoutMilliseconds: 500) { wake.publish() }
            }
        }
        thread.name = "swiftlb-netlink"
        thread.start()
    }

    /// Ends the thread within half a second.
    func stop() {
        stopped.withLock { $0 = true }
    }
}
