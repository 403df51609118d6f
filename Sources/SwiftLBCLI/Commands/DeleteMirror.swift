import ArgumentParser
import SwiftLBCore

/// `delete mirror IDENT` (loxicmd's grammar).
public struct DeleteMirror: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "mirror", abstract: "Delete a mirror.",
        discussion: """
            Example:
              delete mirror mirr-1
            """,
        aliases: ["mirr", "mirrors"])

    /// The mirror's name.
    @Argument(help: "The mirror's name.") public var ident: String

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The DELETE this command sends.
    public func request() -> APIRequest {
        APIRequest(method: .delete, path: MirrorPaths.delete(ident))
    }

    /// Sends the DELETE.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        try await environment.client.send(request())
        environment.output.write("deleted mirror \(ident)")
    }
}
