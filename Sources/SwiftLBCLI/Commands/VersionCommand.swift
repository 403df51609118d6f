import ArgumentParser
import Foundation
import SwiftLBCore

/// `version`: the CLI's version and the server's `/version` answer.
public struct VersionCommand: APICommand {
    /// Name and help text.
    public static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Show the versions of swiftlbctl and of the SwiftLB server.")

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Prints the CLI version, then asks the server for its own.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        environment.output.write("swiftlbctl version \(CLIVersion.current)")
        let response = try await environment.client.send(APIRequest(method: .get, path: LoadBalancerPaths.version))
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw .badResponse("GET \(LoadBalancerPaths.version) did not answer a JSON object")
        }
        // Field names differ between loxilb (version, buildInfo) and SwiftLB (adds name, buildDate).
        let text = { (key: String) in object[key].map { "\($0)" } ?? "" }
        let name = text("name").isEmpty ? "server" : text("name")
        let build = [text("buildInfo"), text("buildDate")].filter { !$0.isEmpty }.joined(separator: ", ")
        environment.output.write("\(name) version \(text("version"))" + (build.isEmpty ? "" : " (\(build))"))
    }
}
