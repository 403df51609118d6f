/// What one probe of an endpoint found.
public enum ProbeResult: Sendable, Hashable {
    /// The endpoint answered as expected after `delay`.
    case success(delay: Duration)
    /// The endpoint did not answer as expected; `reason` says why (for logs and `get ep`).
    case failure(reason: String)
}
