/// One thing the health prober checks: a host, a probe type and port, and how often.
///
/// Targets come from rules with `monitor` set (one per endpoint) and from endpoint entries created
/// through `/netlox/v1/config/endpoint`; targets with the same `key` are one target, shared by every
/// rule that uses it (as loxilb shares its end-point hosts).
public struct ProbeTarget: Sendable, Hashable {
    /// loxilb's end-point key: the entry's name, or "<host>_<probetype>_<port>".
    public var key: String
    /// The address probed.
    public var host: IPAddress
    /// How it is probed.
    public var type: ProbeType
    /// The port probed (0 for ping).
    public var port: UInt16
    /// HTTP(S): the request path; UDP: the payload sent.
    public var request: String
    /// HTTP(S): text the body must contain; UDP: text the reply must contain. Empty: anything.
    public var response: String
    /// Seconds between probes.
    public var interval: Int
    /// Consecutive failed probes that take the endpoint out.
    public var retries: Int

    /// Creates a target.
    public init(
        key: String, host: IPAddress, type: ProbeType, port: UInt16, request: String = "", response: String = "",
        interval: Int, retries: Int
    ) {
        self.key = key
        self.host = host
        self.type = type
        self.port = port
        self.request = request
        self.response = response
        self.interval = interval
        self.retries = retries
    }

    /// loxilb's default probe period in seconds, used when a rule or endpoint gives none.
    public static let defaultInterval = 60
    /// loxilb's default number of failed probes before an endpoint is inactive.
    public static let defaultRetries = 2
    /// The longest period accepted (one day, as loxilb).
    public static let maxInterval = 24 * 60 * 60
    /// The most retries accepted.
    public static let maxRetries = 100

    /// Seconds a single probe may take: the interval, at most 5 s, at least 1 s.
    public var timeout: Duration { .seconds(min(max(interval, 1), 5)) }

    /// loxilb's key for an unnamed end-point: "<host>_<probetype>_<port>".
    public static func key(host: IPAddress, type: ProbeType, port: UInt16) -> String {
        "\(host)_\(type.rawValue)_\(port)"
    }
}
