/// When an API connection must have made progress, as a plain state machine (no I/O).
///
/// Three limits keep a client from holding a connection, and with it a file descriptor, for
/// nothing: `idle` while no request has started (also between keep-alive requests), `header`
/// from the first byte of a request to its complete head, and `body` from the head to the end of
/// the body. While a complete request is being answered there is no deadline: the daemon, not the
/// client, is then the slow side. Every event returns the deadline now in force (nil: none);
/// the caller closes the connection when it passes.
public struct ConnectionDeadlines: Sendable, Equatable {
    /// The three limits in nanoseconds.
    public struct Limits: Sendable, Equatable {
        public var idleNanoseconds: Int64
        public var headerNanoseconds: Int64
        public var bodyNanoseconds: Int64

        /// Limits in seconds.
        public init(idle: Double, header: Double, body: Double) {
            idleNanoseconds = Int64(idle * 1e9)
            headerNanoseconds = Int64(header * 1e9)
            bodyNanoseconds = Int64(body * 1e9)
        }
    }

    /// What happened on the connection.
    public enum Event: Sendable, Equatable {
        /// The connection was accepted.
        case opened
        /// Raw bytes arrived (before HTTP decoding).
        case bytes
        /// A complete request head was decoded.
        case requestHead
        /// The request's end (after its body) was decoded.
        case requestEnd
        /// The end of a response was written.
        case responseEnd
    }

    /// Why the deadline in force exists; named in the log when it closes a connection.
    public enum Phase: String, Sendable, Equatable {
        case idle, header, body, answering
    }

    public let limits: Limits
    /// The phase the connection is in.
    public private(set) var phase: Phase = .idle
    /// Requests whose head arrived and whose response has not ended (pipelining allows several).
    private var unanswered = 0
    /// True between a head and its request end.
    private var readingBody = false
    private var deadline: Int64?

    public init(limits: Limits) { self.limits = limits }

    /// Applies `event` at time `now` (nanoseconds, monotonic) and returns the deadline in force.
    public mutating func handle(_ event: Event, now: Int64) -> Int64? {
        switch event {
        case .opened:
            enter(.idle, now: now)
        case .bytes:
            // Only the first byte of a new request starts the header clock; later bytes must not
            // push it back, or a client sending one byte a second would never time out.
            if phase == .idle { enter(.header, now: now) }
        case .requestHead:
            unanswered += 1
            readingBody = true
            enter(.body, now: now)
        case .requestEnd:
            readingBody = false
            enter(.answering, now: now)
        case .responseEnd:
            unanswered = max(0, unanswered - 1)
            if readingBody {
                // A pipelined request is still sending its body; its body clock keeps running.
            } else if unanswered == 0 {
                enter(.idle, now: now)
            }
        }
        return deadline
    }

    private mutating func enter(_ next: Phase, now: Int64) {
        phase = next
        switch next {
        case .idle: deadline = now + limits.idleNanoseconds
        case .header: deadline = now + limits.headerNanoseconds
        case .body: deadline = now + limits.bodyNanoseconds
        case .answering: deadline = nil
        }
    }
}
