import ArgumentParser
import SwiftLBCore

/// `delete session <user>` (loxicmd's grammar).
public struct DeleteSession: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Delete a GTP-U session and its classifiers.", aliases: ["sessions"])

    /// The user's name.
    @Argument(help: "The user's name.") public var user: String

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Sends the DELETE.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        try await environment.client.send(APIRequest(method: .delete, path: SessionPaths.delete(ident: user)))
        environment.output.write("deleted session \(user)")
    }
}

/// `delete sessionulcl <user> --ulclArgs=<IP>,...` (loxicmd's grammar).
public struct DeleteSessionUlCl: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "sessionulcl", abstract: "Delete uplink classifiers of a GTP-U session.",
        aliases: ["ulcl", "sessionulcls", "ulcls"])

    /// The session's user name.
    @Argument(help: "The session's user name.") public var user: String
    /// The classifiers' addresses.
    @Option(name: .customLong("ulclArgs"), help: "Breakout addresses separated by commas.")
    public var ulclArgs: [String] = []

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The DELETEs this command sends.
    public func requests() throws(CLIError) -> [APIRequest] {
        let addresses = ulclArgs.flatMap { $0.split(separator: ",").map(String.init) }
        guard !addresses.isEmpty else { throw .invalidInput("--ulclArgs is required") }
        return addresses.map {
            APIRequest(method: .delete, path: SessionPaths.deleteClassifier(ident: user, address: $0))
        }
    }

    /// Sends the DELETEs.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        for request in try requests() { try await environment.client.send(request) }
        environment.output.write("deleted session ulcl \(user)")
    }
}
