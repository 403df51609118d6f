import ArgumentParser
import SwiftLBCore

/// `get ep [-o json]`: monitored hosts with their probe settings, delays and state.
public struct GetEndpoint: APICommand {
    /// Name, aliases and help text.
    public static let configuration = CommandConfiguration(
        commandName: "endpoint", abstract: "Show monitored endpoints and their health.",
        aliases: ["ep", "endpoints"])

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Fetches the endpoints and prints them.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let list = try await environment.client.get(EndPointList.self, path: EndpointPaths.all)
        let entries = list.Attr.sorted { ($0.hostName, $0.name) < ($1.hostName, $1.name) }
        if environment.format == .json {
            environment.output.write(try JSONOutput.pretty(EndPointList(Attr: entries)))
        } else {
            environment.output.write(EndpointTable.render(entries))
        }
    }
}

/// The `get ep` table, with loxicmd's columns.
public enum EndpointTable {
    /// Column titles.
    public static let headers = [
        "HOST", "NAME", "PTYPE", "PORT", "DURATION", "RETRIES", "MINDELAY", "AVGDELAY", "MAXDELAY", "STATE",
    ]

    /// One row per endpoint; PTYPE is "type:request" as loxicmd prints it.
    public static func render(_ entries: [EndPointGetEntry]) -> String {
        TextTable(
            headers: headers,
            rows: entries.map {
                [
                    $0.hostName, $0.name, "\($0.probeType):\($0.probeReq)", String($0.probePort),
                    String($0.probeDuration), String($0.inactiveReTries), $0.minDelay, $0.avgDelay, $0.maxDelay,
                    $0.currState,
                ]
            }
        ).render()
    }
}
