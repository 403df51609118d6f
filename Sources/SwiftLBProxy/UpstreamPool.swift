import NIOConcurrencyHelpers
import NIOCore

/// Idle HTTP/1.1 connections to endpoints, kept for the next request to the same endpoint on the
/// same event loop. A connection whose requests carry a PROXY header belongs to one client
/// connection (the header names that client), so its key includes it.
final class UpstreamPool: Sendable {
    struct Key: Hashable, Sendable {
        var endpoint: ProxyEndpoint
        var tls: Bool
        var eventLoop: ObjectIdentifier
        /// The client connection, for PROXY-header connections; nil when any client may reuse it.
        var owner: ObjectIdentifier?
    }

    /// Idle connections kept per key; more are closed.
    let maxIdlePerKey: Int
    private let idle = NIOLockedValueBox([Key: [any Channel]]())

    init(maxIdlePerKey: Int = 64) {
        self.maxIdlePerKey = maxIdlePerKey
    }

    /// An idle, still open connection for `key`, or nil.
    func take(_ key: Key) -> (any Channel)? {
        idle.withLockedValue { idle in
            while var list = idle[key], let channel = list.popLast() {
                idle[key] = list.isEmpty ? nil : list
                if channel.isActive { return channel }
            }
            return nil
        }
    }

    /// Keeps `channel` for reuse (closes it when the key has enough).
    func put(_ channel: any Channel, for key: Key) {
        let kept = idle.withLockedValue { idle -> Bool in
            guard channel.isActive, idle[key, default: []].count < maxIdlePerKey else { return false }
            idle[key, default: []].append(channel)
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    /// Makes a new connection leave the pool when it closes (call once, when it is opened).
    func track(_ channel: any Channel, for key: Key) {
        channel.closeFuture.whenComplete { [idle] _ in
            idle.withLockedValue { idle in
                idle[key]?.removeAll { $0 === channel }
                if idle[key]?.isEmpty == true { idle[key] = nil }
            }
        }
    }

    /// Idle connections now (metrics, tests).
    var idleCount: Int { idle.withLockedValue { $0.values.reduce(0) { $0 + $1.count } } }
}
