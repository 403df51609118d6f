import ArgumentParser
import SwiftLBCore

/// `create policy IDENT --rate=<Peak>:<Committed> --target=<ObjectName>:<Attachment>
/// [--block-size=<Excess>:<Committed>] [--color] [--pol-type=N]` (loxicmd's grammar).
public struct CreatePolicy: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Create a QoS policy (policer).",
        discussion: """
            Rates in Mbit/s, block sizes in bytes (0 or absent: defaults). Attachment 1: every packet
            entering the interface; 2: every packet of the flows of the LB rules with that name.
            Policy type 0: trTCM (two rates), 1: srTCM (one rate).

            Examples:
              create policy pol-hs0 --rate=100:100 --target=hs0:1
              create policy pol-web --rate=200:100 --target=web:2 --block-size=24000:12000 --color
            """,
        aliases: ["pol", "policys", "pols", "polices"])

    /// The policy's name.
    @Argument(help: "The policy's name.") public var ident: String
    /// `<Peak>:<Committed>` in Mbit/s.
    @Option(name: .customLong("rate"), help: "Rates as <Peak>:<Committed> (Mbit/s).") public var rate = ""
    /// `<Excess>:<Committed>` in bytes.
    @Option(name: .customLong("block-size"), help: "Bucket sizes as <Excess>:<Committed> (bytes).")
    public var blockSize = ""
    /// `<ObjectName>:<Attachment>`.
    @Option(name: .customLong("target"), help: "Target as <ObjectName>:<Attachment> (1 port, 2 LB rule).")
    public var target = ""
    /// Colour-aware.
    @Flag(name: .customLong("color"), help: "Colour-aware: the packet's DSCP pre-colours it.") public var color = false
    /// 0 trTCM, 1 srTCM.
    @Option(name: .customLong("pol-type"), help: "Policy type: 0 trTCM, 1 srTCM.") public var polType = 0

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The body sent, built as loxicmd builds it.
    public func entry() throws(CLIError) -> PolicyEntry {
        var info = PolicyInfo(type: polType, colorAware: color)
        if !rate.isEmpty {
            (info.peakInfoRate, info.committedInfoRate) = try PolicySpec.pair(rate, flag: "--rate")
        }
        if !blockSize.isEmpty {
            (info.excessBlkSize, info.committedBlkSize) = try PolicySpec.pair(blockSize, flag: "--block-size")
        }
        return PolicyEntry(policyIdent: ident, policyInfo: info, targetObject: try PolicySpec.target(target))
    }

    /// POSTs the policy.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        try await environment.client.send(
            APIRequest(method: .post, path: PolicyPaths.create, body: LoxiJSON.encode(try entry())))
        environment.output.write("created policy \(ident)")
    }
}
