import SwiftLBCore

/// The up/down state of one probe target, driven by probe results (a plain state machine, no I/O).
///
/// A new target is undecided: its first result decides at once (so an endpoint that is dead from the
/// start leaves selection after one probe, as in loxilb). After that, `retries` failures in a row take
/// it down, and one success brings it back. Delays are kept over the last `window` successful probes.
public struct EndpointHealthMachine: Sendable, Hashable {
    /// What a transition asks the owner to do.
    public enum Action: Sendable, Hashable {
        /// The target is down: take its endpoints out of selection.
        case markDown(reason: String)
        /// The target is up: put its endpoints back.
        case markUp
    }

    /// Failed probes in a row that take an up target down (at least 1).
    public let retries: Int
    /// nil until the first result; then whether the target is up.
    public private(set) var up: Bool?
    /// Failed probes in a row so far.
    public private(set) var failures = 0
    /// Delays of the latest successful probes, oldest first (at most `window`).
    public private(set) var delays: [Duration] = []
    /// Why the last probe failed, or "" after a success.
    public private(set) var lastError = ""

    /// How many successful probes the delay statistics cover.
    public static let window = 16

    /// Creates an undecided machine.
    public init(retries: Int) {
        self.retries = max(1, retries)
    }

    /// When to probe again after a result: the probe interval, except while an up target is failing,
    /// when the retries that decide it come interval / retries apart. The first failure is seen
    /// within one interval of the endpoint failing, so the target is down within interval x retries
    /// of it (the promise BGP withdrawal makes), rather than up to an interval later.
    public func nextProbeDelay(interval: Int) -> Duration {
        guard failures > 0, up != false, retries > 1 else { return .seconds(interval) }
        return .seconds(interval) / retries
    }

    /// Feeds one probe result; returns the transition it caused, if any.
    public mutating func handle(_ result: ProbeResult) -> [Action] {
        switch result {
        case .success(let delay):
            failures = 0
            lastError = ""
            delays.append(delay)
            if delays.count > Self.window { delays.removeFirst(delays.count - Self.window) }
            defer { up = true }
            return up == true ? [] : [.markUp]
        case .localError(let reason):
            // Nothing was learnt about the endpoint; only say why this probe did not count.
            lastError = "probe not sent: \(reason)"
            return []
        case .failure(let reason):
            failures += 1
            lastError = reason
            let threshold = up == nil ? 1 : retries
            guard up != false, failures >= threshold else { return [] }
            up = false
            return [.markDown(reason: reason)]
        }
    }

    /// The status to publish: up (an undecided target counts as up), delays, last error.
    public var status: ProbeStatus {
        let total = delays.reduce(Duration.zero, +)
        return ProbeStatus(
            up: up ?? true, minDelay: delays.min(), avgDelay: delays.isEmpty ? nil : total / delays.count,
            maxDelay: delays.max(), lastError: lastError)
    }
}
