import ArgumentParser

/// `swiftlb`: the SwiftLB daemon.
@main
struct SwiftLBDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftlb",
        abstract: "SwiftLB: an eBPF L4 load balancer with a loxilb-compatible API.",
        discussion: """
            Runs in the foreground in the current network namespace: attaches the datapath to the \
            TC hooks of its interfaces, restores the stored configuration, and serves the REST API \
            (loxilb paths under /netlox/v1).

            Stop it with SIGTERM or Ctrl-C; the datapath keeps forwarding established and new \
            connections until the next start, unless --detach-on-exit is given. `swiftlb cleanup` \
            removes everything it attached and pinned.
            """,
        version: SwiftLBVersion.current,
        subcommands: [RunCommand.self, CleanupCommand.self],
        defaultSubcommand: RunCommand.self)
}

/// The version string reported by the daemon, the API and the CLI.
enum SwiftLBVersion {
    static let current = "0.1.0"
}
