import ArgumentParser

/// The `swiftlbctl` root command: loxicmd's grammar for SwiftLB.
public struct SwiftLBCtl: AsyncParsableCommand {
    /// Command tree and help text.
    public static let configuration = CommandConfiguration(
        commandName: "swiftlbctl",
        abstract: "Control a SwiftLB load balancer through its loxilb-compatible REST API.",
        discussion: """
            The grammar is loxicmd's; global options may be given before or after the command.

            Examples:
              swiftlbctl create lb 20.20.20.1 --tcp=2020:8080 --endpoints=31.31.31.1:1
              swiftlbctl get lb -o wide
              swiftlbctl delete lb 20.20.20.1 --tcp=2020
            """,
        version: CLIVersion.current,
        subcommands: [
            CreateCommand.self, GetCommand.self, DeleteCommand.self, SaveCommand.self, ApplyCommand.self,
            VersionCommand.self,
        ]
    )

    // Declared on every level so that the flags are accepted before the command name too
    // (`swiftlbctl -s 10.0.0.1 get lb`); ArgumentParser hands the values to the leaf.
    /// Connection flags given before the command name.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Parses the process's arguments and runs the command they name; exits with its status.
    public static func start() async {
        // Called from here rather than from the executable so that the async `main` is chosen:
        // from another module's top-level code the synchronous overload wins and refuses to run.
        await main(nil)
    }
}

/// `create`: groups the create subcommands.
public struct CreateCommand: AsyncParsableCommand {
    /// Subcommands and help text.
    public static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a load-balancer rule.",
        subcommands: [
            CreateLoadBalancer.self, CreateEndpoint.self, CreateBGPNeighbor.self, CreateBFD.self, CreateFirewall.self,
            CreateSession.self, CreateSessionUlCl.self, CreatePolicy.self, CreateMirror.self,
        ])

    /// Connection flags given before the subcommand name (shown in the leaves' help).
    @OptionGroup(visibility: .hidden) public var global: GlobalOptions

    /// Creates the command.
    public init() {}
}

/// `get`: groups the get subcommands.
public struct GetCommand: AsyncParsableCommand {
    /// Subcommands and help text.
    public static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show load-balancer rules or connections.",
        subcommands: [
            GetLoadBalancer.self, GetConntrack.self, GetEndpoint.self, GetBGPNeighbor.self, GetBFD.self, GetHA.self,
            GetFirewall.self, GetSession.self, GetSessionUlCl.self, GetPolicy.self, GetMirror.self,
        ])

    /// Connection flags given before the subcommand name (shown in the leaves' help).
    @OptionGroup(visibility: .hidden) public var global: GlobalOptions

    /// Creates the command.
    public init() {}
}

/// `delete`: groups the delete subcommands.
public struct DeleteCommand: AsyncParsableCommand {
    /// Subcommands and help text.
    public static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a load-balancer rule.",
        subcommands: [
            DeleteLoadBalancer.self, DeleteEndpoint.self, DeleteBGPNeighbor.self, DeleteBFD.self, DeleteFirewall.self,
            DeleteSession.self, DeleteSessionUlCl.self, DeletePolicy.self, DeleteMirror.self,
        ])

    /// Connection flags given before the subcommand name (shown in the leaves' help).
    @OptionGroup(visibility: .hidden) public var global: GlobalOptions

    /// Creates the command.
    public init() {}
}
