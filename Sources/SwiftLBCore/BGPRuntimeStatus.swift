/// What the BGP supervisor last saw of gobgpd; `BGPDesiredState` merges it into API answers and metrics.
public struct BGPRuntimeStatus: Sendable, Hashable {
    /// One peer's session as gobgpd reported it.
    public struct Session: Sendable, Hashable {
        /// Lower-case state name ("idle" ... "established").
        public var state: String
        /// Seconds since the session went up (when established) or down; nil when gobgpd did not say.
        public var secondsInState: Int?

        /// Creates a session.
        public init(state: String, secondsInState: Int? = nil) {
            self.state = state
            self.secondsInState = secondsInState
        }
    }

    /// True while gobgpd runs and answers its API.
    public var gobgpdUp: Bool
    /// Why gobgpd is not up ("not configured", "gobgpd not found", "restarting", ...); empty when up.
    public var downReason: String
    /// How often gobgpd was started.
    public var gobgpdStarts: Int
    /// Sessions by peer address.
    public var sessions: [IPAddress: Session]
    /// VIP routes currently advertised.
    public var advertisedRoutes: Int
    /// Learned routes installed into the kernel.
    public var installedRoutes: Int

    /// Creates a status.
    public init(
        gobgpdUp: Bool = false, downReason: String = "not started", gobgpdStarts: Int = 0,
        sessions: [IPAddress: Session] = [:], advertisedRoutes: Int = 0, installedRoutes: Int = 0
    ) {
        self.gobgpdUp = gobgpdUp
        self.downReason = downReason
        self.gobgpdStarts = gobgpdStarts
        self.sessions = sessions
        self.advertisedRoutes = advertisedRoutes
        self.installedRoutes = installedRoutes
    }

    /// "HH:MM:SS" (hours may exceed 24), as loxilb prints `updowntime`.
    public static func duration(_ seconds: Int) -> String {
        let s = max(0, seconds)
        let hours = s / 3600
        let minutes = (s % 3600) / 60
        let rest = s % 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(hours)):\(two(minutes)):\(two(rest))"
    }
}
