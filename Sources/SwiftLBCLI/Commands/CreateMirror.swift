import ArgumentParser
import SwiftLBCore

/// `create mirror IDENT --mirrorInfo=KEY:VALUE,... --targetObject=attachement:N,mirrObjName:NAME`
/// (loxicmd's grammar).
public struct CreateMirror: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "mirror", abstract: "Create a mirror.",
        discussion: """
            --mirrorInfo keys: type (0 SPAN, 1 RSPAN, 2 ERSPAN), port (where copies go), vlan (RSPAN),
            remoteIP, sourceIP, tunnelID (ERSPAN).
            --targetObject keys: attachement (1 a port, 2 an LB rule), mirrObjName (the port, or the
            rule's name or vip:port/proto).

            Examples:
              create mirror mirr-1 --mirrorInfo="type:0,port:hs0" --targetObject="attachement:1,mirrObjName:hs1"
              create mirror mirr-2 --mirrorInfo="type:1,port:eth2,vlan:100" --targetObject="attachement:2,mirrObjName:web"
              create mirror mirr-3 --mirrorInfo="type:2,remoteIP:10.9.9.9,sourceIP:10.9.9.1,tunnelID:7" \\
                --targetObject="attachement:2,mirrObjName:20.20.20.1:80/tcp"
            """,
        aliases: ["mirr", "mirrors"])

    /// The mirror's name.
    @Argument(help: "The mirror's name.") public var ident: String
    /// Where copies go.
    @Option(name: .customLong("mirrorInfo"), help: "Where copies go: key:value pairs separated by commas.")
    public var mirrorInfo: [String] = []
    /// What is copied.
    @Option(name: .customLong("targetObject"), help: "What is copied: key:value pairs separated by commas.")
    public var targetObject: [String] = []

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The body sent.
    public func entry() throws(CLIError) -> MirrorEntry {
        guard !targetObject.isEmpty else { throw .invalidInput("--targetObject is required") }
        return MirrorEntry(
            mirrorIdent: ident, mirrorInfo: try MirrorSpec.info(mirrorInfo),
            targetObject: try MirrorSpec.target(targetObject))
    }

    /// POSTs the mirror.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        try await environment.client.send(
            APIRequest(method: .post, path: MirrorPaths.create, body: LoxiJSON.encode(try entry())))
        environment.output.write("created mirror \(ident)")
    }
}
