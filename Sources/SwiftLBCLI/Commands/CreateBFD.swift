import ArgumentParser
import SwiftLBCore

/// `create bfd REMOTE_IP [--instance=NAME] [--sourceIP=IP] [--interval=US] [--retryCount=N]`
/// (loxicmd's grammar).
public struct CreateBFD: APICommand {
    public static let configuration = CommandConfiguration(
        commandName: "bfd",
        abstract: "Create a BFD session with another SwiftLB or loxilb instance.",
        discussion: """
            The session comes up in the background; `get bfd` shows its state. The same peer again \
            changes its interval and retry count.

            Example:
              create bfd 32.32.32.2 --instance=default --sourceIP=32.32.32.1 --interval=200000 --retryCount=3
            """)

    @Argument(help: "The peer instance's IPv4 address.")
    public var remoteIP: String

    @Option(help: "The cluster instance the session belongs to.")
    public var instance = BFDSessionConfig.defaultInstance

    @Option(name: .customLong("sourceIP"), help: "This instance's address toward the peer.")
    public var sourceIP = ""

    @Option(help: "Packet interval once Up, in microseconds.")
    public var interval = BFDSessionConfig.defaultInterval

    @Option(name: .customLong("retryCount"), help: "Missed intervals before the session goes down.")
    public var retryCount = BFDSessionConfig.defaultRetryCount

    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    public init() {}

    /// The session this command sends, checked as the daemon will check it.
    public func session() throws(CLIError) -> BFDSessionConfig {
        let config = BFDSessionConfig(
            instance: instance, interval: interval, remoteIp: remoteIP, retryCount: retryCount, sourceIp: sourceIP)
        do {
            return try config.validated()
        } catch {
            throw .invalidInput(error.message)
        }
    }

    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let config = try session()
        try await environment.client.send(
            APIRequest(method: .post, path: BFDPaths.session, body: LoxiJSON.encode(config)))
        environment.output.write("created bfd session \(config.remoteIp) (instance \(config.instance))")
    }
}
