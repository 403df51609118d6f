import ArgumentParser
import SwiftLBCore

/// `delete bfd REMOTE_IP [--instance=NAME]` (loxicmd's grammar).
public struct DeleteBFD: APICommand {
    public static let configuration = CommandConfiguration(
        commandName: "bfd", abstract: "Delete a BFD session (the peer is told AdminDown).")

    @Argument(help: "The peer instance's IPv4 address.")
    public var remoteIP: String

    @Option(help: "The cluster instance the session belongs to.")
    public var instance = BFDSessionConfig.defaultInstance

    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    public init() {}

    /// The DELETE this command sends.
    public func request() throws(CLIError) -> APIRequest {
        guard IPAddress(remoteIP) != nil else { throw .invalidInput("remote IP '\(remoteIP)' is not an IP address") }
        return APIRequest(method: .delete, path: BFDPaths.session(remoteIP, instance: instance))
    }

    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        try await environment.client.send(try request())
        environment.output.write("deleted bfd session \(remoteIP)")
    }
}
