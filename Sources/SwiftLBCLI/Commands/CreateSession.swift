import ArgumentParser
import SwiftLBCore

/// `create session <user> <ueIP> --accessNetworkTunnel=<TeID>:<IP> --coreNetworkTunnel=<TeID>:<IP>`
/// (loxicmd's grammar).
public struct CreateSession: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Create a GTP-U session.",
        discussion: """
            The access network tunnel is the gNB's end (downlink G-PDUs go there), the core network
            tunnel the UPF's own end (uplink G-PDUs arrive there).

            Example:
              create session user1 10.45.0.2 --accessNetworkTunnel=512:10.10.1.2 --coreNetworkTunnel=256:10.10.1.1
            """,
        aliases: ["sessions"])

    /// The user's name.
    @Argument(help: "The user's name.") public var user: String
    /// The UE's address.
    @Argument(help: "The UE's IPv4 address.") public var sessionIP: String
    /// The gNB's end.
    @Option(name: .customLong("accessNetworkTunnel"), help: "<TeID>:<IP> of the gNB's end.")
    public var accessNetworkTunnel: String = ""
    /// The UPF's end.
    @Option(name: .customLong("coreNetworkTunnel"), help: "<TeID>:<IP> of the UPF's end.")
    public var coreNetworkTunnel: String = ""

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The body sent.
    public func entry() throws(CLIError) -> SessionEntry {
        SessionEntry(
            ident: user, sessionIP: sessionIP,
            accessNetworkTunnel: try SessionPaths.tunnel(accessNetworkTunnel, flag: "accessNetworkTunnel"),
            coreNetworkTunnel: try SessionPaths.tunnel(coreNetworkTunnel, flag: "coreNetworkTunnel"))
    }

    /// POSTs the session.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        try await environment.client.send(
            APIRequest(method: .post, path: SessionPaths.create, body: LoxiJSON.encode(try entry())))
        environment.output.write("created session \(user)")
    }
}

/// `create sessionulcl <user> --ulclArgs=<QFI>:<IP>,...` (loxicmd's grammar): one classifier each.
public struct CreateSessionUlCl: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "sessionulcl", abstract: "Create uplink classifiers of a GTP-U session.",
        discussion: """
            Example:
              create sessionulcl user1 --ulclArgs=9:10.10.2.11
            """,
        aliases: ["ulcl", "sessionulcls", "ulcls"])

    /// The session's user name.
    @Argument(help: "The session's user name.") public var user: String
    /// The classifiers.
    @Option(name: .customLong("ulclArgs"), help: "<QFI>:<IP> pairs separated by commas.")
    public var ulclArgs: [String] = []

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The bodies sent, one per classifier.
    public func entries() throws(CLIError) -> [SessionUlClEntry] {
        let pairs = ulclArgs.flatMap { $0.split(separator: ",").map(String.init) }
        guard !pairs.isEmpty else { throw .invalidInput("--ulclArgs is required") }
        var entries: [SessionUlClEntry] = []
        for pair in pairs {
            entries.append(SessionUlClEntry(ulclIdent: user, ulclArgument: try SessionPaths.classifier(pair)))
        }
        return entries
    }

    /// POSTs each classifier, stopping at the first refused.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        for entry in try entries() {
            try await environment.client.send(
                APIRequest(method: .post, path: SessionPaths.createClassifier, body: LoxiJSON.encode(entry)))
        }
        environment.output.write("created session ulcl \(user)")
    }
}
