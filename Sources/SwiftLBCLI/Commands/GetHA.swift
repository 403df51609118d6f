import ArgumentParser
import SwiftLBCore

/// `get ha [-o wide|json]` (loxicmd's `get hastate`): each HA instance and the role it holds now.
public struct GetHA: APICommand {
    public static let configuration = CommandConfiguration(
        commandName: "ha", abstract: "Show the HA instances and their state (MASTER, BACKUP, NOT_DEFINED).",
        aliases: ["hastate", "HAstate"])

    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    public init() {}

    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let list = try await environment.client.get(HAInstanceList.self, path: HAPaths.states)
        switch environment.format {
        case .json: environment.output.write(try JSONOutput.pretty(list))
        case .wide: environment.output.write(Self.table(list.instances, wide: true).render())
        case nil: environment.output.write(Self.table(list.instances, wide: false).render())
        }
    }

    static func table(_ instances: [HAInstanceState], wide: Bool) -> TextTable {
        TextTable(
            headers: ["Instance", "HAState"] + (wide ? ["VIP"] : []),
            rows: instances.map { [$0.instance, $0.state] + (wide ? [$0.vip] : []) })
    }
}

/// The loxilb HA paths the CLI calls.
public enum HAPaths {
    /// `GET` of every instance with its state.
    public static let states = APIRequest.basePath + "/config/cistate/all"
}
