import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Splits the process's file descriptors between API connections and everything else the daemon
/// must always be able to open: probe sockets, gobgpd's gRPC connection and child process, BPF
/// maps and programs, netlink, SQLite. API clients get what is left after that reserve.
enum DescriptorBudget {
    /// Descriptors kept out of the API's reach.
    static let reserve = 256
    /// The API gets at least this many even under a tiny limit.
    static let minimumAPI = 16

    /// Raises the soft RLIMIT_NOFILE to the hard one (a daemon has no reason to run below it) and
    /// returns the soft limit in force.
    static func raiseLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > UInt64(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    /// The API connection limit under `descriptors`: `requested`, lowered to leave the reserve.
    static func apiConnections(requested: Int, descriptors: Int) -> Int {
        min(requested, max(minimumAPI, descriptors - reserve))
    }

    /// Applies both and logs when the request had to be lowered.
    static func apply(requested: Int, logger: Logger) -> Int {
        let descriptors = raiseLimit()
        let granted = apiConnections(requested: requested, descriptors: descriptors)
        if granted < requested {
            logger.warning(
                "API connection limit lowered to fit the descriptor limit",
                metadata: [
                    "requested": "\(requested)", "granted": "\(granted)", "nofile": "\(descriptors)",
                    "reserved": "\(reserve)",
                ])
        }
        return granted
    }
}
