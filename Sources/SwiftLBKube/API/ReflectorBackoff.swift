/// Exponential back-off with jitter between failed lists and watches: `initial`, doubling up to
/// `maximum`, each delay drawn uniformly from its upper half.
public struct ReflectorBackoff: Sendable, Equatable {
    /// The first delay.
    public var initial: Duration
    /// The largest delay.
    public var maximum: Duration
    private var next: Duration

    /// Back-off from `initial` (0.5 s) to `maximum` (30 s).
    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = maximum
        self.next = initial
    }

    /// The delay before the next attempt; doubles the one after it, up to the maximum.
    public mutating func nextDelay() -> Duration {
        let delay = next
        next = min(next * 2, maximum)
        return delay / 2 + delay / 2 * Double.random(in: 0...1)
    }

    /// Starts again from `initial`, after a success.
    public mutating func reset() {
        next = initial
    }
}
