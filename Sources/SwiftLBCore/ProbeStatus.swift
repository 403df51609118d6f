import Foundation

/// What the prober last reported about a target: up or down, and the delays it measured.
public struct ProbeStatus: Sendable, Hashable {
    /// False once the target failed `retries` probes in a row; true again after one success.
    public var up: Bool
    /// Shortest successful probe so far.
    public var minDelay: Duration?
    /// Mean of the successful probes so far.
    public var avgDelay: Duration?
    /// Longest successful probe so far.
    public var maxDelay: Duration?
    /// Why the last probe failed, or "" after a success.
    public var lastError: String

    /// Creates a status.
    public init(
        up: Bool, minDelay: Duration? = nil, avgDelay: Duration? = nil, maxDelay: Duration? = nil,
        lastError: String = ""
    ) {
        self.up = up
        self.minDelay = minDelay
        self.avgDelay = avgDelay
        self.maxDelay = maxDelay
        self.lastError = lastError
    }

    /// loxilb's `currState`: "ok" when up, "nok" when down.
    public var stateText: String { up ? "ok" : "nok" }

    /// A delay as loxilb prints it (Go's duration text, e.g. "1.234ms", "512µs", "0s" when unknown).
    public static func text(_ delay: Duration?) -> String {
        guard let delay else { return "0s" }
        let (seconds, attoseconds) = delay.components
        let nanos = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        switch nanos {
        case ..<1000: return "\(Int(nanos))ns"
        case ..<1_000_000: return trimmed(nanos / 1000) + "µs"
        case ..<1_000_000_000: return trimmed(nanos / 1_000_000) + "ms"
        default: return trimmed(nanos / 1_000_000_000) + "s"
        }
    }

    private static func trimmed(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
