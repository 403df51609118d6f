import ArgumentParser
import SwiftLBCore

/// `delete policy IDENT` (loxicmd's grammar).
public struct DeletePolicy: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Delete a QoS policy.",
        discussion: "Example:\n  delete policy pol-hs0", aliases: ["pol", "policys", "pols", "polices"])

    /// The policy's name.
    @Argument(help: "The policy's name.") public var ident: String

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The DELETE this command sends.
    public func request() -> APIRequest {
        APIRequest(method: .delete, path: PolicyPaths.delete(ident: ident))
    }

    /// Sends the DELETE.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        try await environment.client.send(request())
        environment.output.write("deleted policy \(ident)")
    }
}
