import ArgumentParser
import SwiftLBCore

/// `get bfd [-o wide|json]`: every BFD session and its state, in loxicmd's columns.
public struct GetBFD: APICommand {
    public static let configuration = CommandConfiguration(
        commandName: "bfd", abstract: "Show BFD sessions and their state.")

    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    public init() {}

    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let list = try await environment.client.get(BFDSessionList.self, path: BFDPaths.sessions)
        switch environment.format {
        case .json: environment.output.write(try JSONOutput.pretty(list))
        case .wide: environment.output.write(Self.table(list.sessions, wide: true).render())
        case nil: environment.output.write(Self.table(list.sessions, wide: false).render())
        }
    }

    static func table(_ sessions: [BFDSessionEntry], wide: Bool) -> TextTable {
        guard wide else {
            return TextTable(
                headers: ["Instance", "RemoteIP", "State"], rows: sessions.map { [$0.instance, $0.remoteIp, $0.state] })
        }
        return TextTable(
            headers: ["Instance", "RemoteIP", "SourceIP", "Port", "Interval", "Retry Count", "State"],
            rows: sessions.map {
                [
                    $0.instance, $0.remoteIp, $0.sourceIP, "\($0.port)", "\($0.interval) us", "\($0.retryCount)",
                    $0.state,
                ]
            })
    }
}
