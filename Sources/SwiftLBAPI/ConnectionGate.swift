import Logging
import NIOConcurrencyHelpers

/// Counts open API connections and refuses those over `limit`, so idle or slow clients cannot
/// take the descriptors that health probes, BGP and the datapath need.
///
/// A refused connection is closed right after accept, without a response. Reaching the limit is
/// logged once per episode (again only after the count fell below the limit), not per connection.
public final class ConnectionGate: Sendable {
    /// The most connections open at once.
    public let limit: Int
    private let state = NIOLockedValueBox(State())
    private let logger: Logger

    private struct State {
        var open = 0
        var refused = 0
        var full = false
    }

    public init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// Takes a slot for a new connection; false (and counted as refused) when all are taken.
    public func admit() -> Bool {
        let (admitted, firstRefusal) = state.withLockedValue { state -> (Bool, Bool) in
            if state.open < limit {
                state.open += 1
                return (true, false)
            }
            state.refused += 1
            let first = !state.full
            state.full = true
            return (false, first)
        }
        if firstRefusal {
            logger.warning(
                "API connection limit reached; refusing new connections until some close",
                metadata: ["limit": "\(limit)"])
        }
        return admitted
    }

    /// Gives back the slot of a closed connection.
    public func release() {
        let recovered = state.withLockedValue { state -> Bool in
            state.open = max(0, state.open - 1)
            guard state.full, state.open < limit * 9 / 10 else { return false }
            state.full = false
            return true
        }
        if recovered {
            logger.notice("API connections below the limit again", metadata: ["limit": "\(limit)"])
        }
    }

    /// Open connections now.
    public var open: Int { state.withLockedValue { $0.open } }
    /// Connections refused since start.
    public var refused: Int { state.withLockedValue { $0.refused } }
}
