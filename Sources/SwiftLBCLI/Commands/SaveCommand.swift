import ArgumentParser
import Foundation
import SwiftLBCore

/// `save -a|-l|--firewall|--endpoint|--session|--ulcl [-c DIR]` (loxicmd's grammar): writes the
/// running configuration as loxicmd's files, `lbconfig.txt`, `FWconfig.txt`, `EPconfig.txt`,
/// `sessionconfig.txt`, `sessionulclconfig.txt` (and SwiftLB's policy and mirror files) in DIR
/// (default /etc/loxilb/), keeping the previous file as `.bk`.
public struct SaveCommand: APICommand {
    /// Name and help text.
    public static let configuration = CommandConfiguration(
        commandName: "save", abstract: "Save the running configuration in loxicmd's files.",
        discussion: """
            Examples:
              save --all -c /etc/loxilb/
              save --lb
            """)

    /// Every kind SwiftLB has.
    @Flag(
        name: [.customShort("a"), .customLong("all")], help: "Save load-balancer, firewall and endpoint configuration.")
    public var all = false
    /// Load-balancer rules.
    @Flag(name: [.customShort("l"), .customLong("lb")], help: "Save load-balancer rules (lbconfig.txt).")
    public var loadBalancer = false
    /// Firewall rules.
    @Flag(name: .customLong("firewall"), help: "Save firewall rules (FWconfig.txt).")
    public var firewall = false
    /// Endpoints.
    @Flag(name: .customLong("endpoint"), help: "Save monitored endpoints (EPconfig.txt).")
    public var endpoint = false
    /// QoS policies.
    @Flag(name: .customLong("policy"), help: "Save QoS policies (Polconfig.txt).")
    public var policy = false
    /// Mirrors.
    @Flag(name: .customLong("mirror"), help: "Save mirrors (MIRRconfig.txt).")
    public var mirror = false
    /// loxicmd's kinds SwiftLB does not keep; refused with a message.
    @Flag(name: [.customShort("i"), .customLong("ip")], help: "IP configuration (not kept by SwiftLB).")
    public var ip = false
    /// GTP-U sessions.
    @Flag(name: .customLong("session"), help: "Save GTP-U sessions (sessionconfig.txt).")
    public var session = false
    /// Uplink classifiers.
    @Flag(name: .customLong("ulcl"), help: "Save uplink classifiers (sessionulclconfig.txt).")
    public var ulcl = false
    /// Not kept by SwiftLB.
    @Flag(name: .customLong("bfd"), help: "BFD configuration (not saved by SwiftLB yet).")
    public var bfd = false
    /// Where the files go.
    @Option(
        name: [.customShort("c"), .customLong("config-path")], help: "Directory of the files (default /etc/loxilb/).")
    public var configPath = "/etc/loxilb/"

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// The files this command writes, in order.
    public func files() throws(CLIError) -> [SavedConfigFile] {
        if ip || bfd {
            throw .unsupported(
                "SwiftLB saves lb, firewall, endpoint, policy, mirror, session and ulcl configuration only")
        }
        if all { return SavedConfigFile.allCases }
        let chosen = [
            (loadBalancer, SavedConfigFile.loadBalancer), (firewall, .firewall), (endpoint, .endpoint),
            (policy, .policy),
            (mirror, .mirror), (session, .session), (ulcl, .sessionClassifier),
        ]
        .filter(\.0).map(\.1)
        guard !chosen.isEmpty else {
            throw .invalidInput("Provide valid options: --all, --lb, --firewall or --endpoint")
        }
        return chosen
    }

    /// Reads every chosen kind first, then writes the files, so that an unreachable server leaves the
    /// old files alone.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        var contents: [(SavedConfigFile, Data)] = []
        for file in try files() {
            let answer: APIResponse
            do throws(CLIError) {
                answer = try await environment.client.send(APIRequest(method: .get, path: file.sourcePath))
            } catch .server(let status, let message, _) where all && (status == 404 || status == 503) {
                // --all saves what the server has; a daemon without a firewall has no firewall file.
                environment.output.write("\(file.rawValue) skipped: \(message)")
                continue
            }
            contents.append((file, try file.content(fromAnswer: answer.body)))
        }
        let directory = URL(fileURLWithPath: configPath, isDirectory: true)
        for (file, data) in contents {
            let url = directory.appendingPathComponent(file.rawValue)
            try Self.write(data, to: url)
            environment.output.write("\(file.rawValue) saved in \(url.path)")
        }
    }

    /// Writes `data` to `url` through a temporary file, keeping a previous file as `url.bk`.
    static func write(_ data: Data, to url: URL) throws(CLIError) {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = url.appendingPathExtension("tmp")
            try data.write(to: temporary)
            let backup = url.appendingPathExtension("bk")
            if manager.fileExists(atPath: url.path) {
                try? manager.removeItem(at: backup)
                try manager.moveItem(at: url, to: backup)
            }
            try manager.moveItem(at: temporary, to: url)
        } catch {
            throw .invalidInput("cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}
