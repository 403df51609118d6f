import Foundation
import SwiftLBCore

/// Learned routes in the kernel routing table of the daemon's namespace, managed with iproute2.
///
/// Every route SwiftLB installs carries routing protocol 186 (`bgp` in iproute2's rt_protos) and
/// metric 20, so it never replaces a connected or static route for the same prefix (those have
/// metric 0 and win), and so SwiftLB finds, replaces and removes exactly its own routes. The
/// datapath's FIB lookups see them like any other route of the main table.
public struct KernelRouteTable: Sendable {
    /// The routing protocol number marking SwiftLB's routes.
    public static let protocolNumber = 186
    /// The metric of SwiftLB's routes.
    public static let metric = 20

    /// The `ip` executable.
    public var ipPath: String

    /// Creates a table driven through `ipPath`.
    public init(ipPath: String = "/usr/sbin/ip") {
        self.ipPath = FileManager.default.isExecutableFile(atPath: ipPath) ? ipPath : "/sbin/ip"
    }

    /// The routes SwiftLB installed earlier (both families).
    public func installed() throws -> [LearnedRoute] {
        var routes: [LearnedRoute] = []
        for family in ["-4", "-6"] {
            let output = try run(["-j", family, "route", "show", "proto", "\(Self.protocolNumber)"])
            routes += try Self.parse(json: output)
        }
        return routes.sorted()
    }

    /// Adds or replaces `route`.
    public func replace(_ route: LearnedRoute) throws {
        _ = try run(Self.replaceArguments(route))
    }

    /// Removes `route` (only SwiftLB's route for that prefix).
    public func remove(_ route: LearnedRoute) throws {
        _ = try run(Self.removeArguments(route))
    }

    /// `ip` arguments installing `route` (ECMP when it has several next hops).
    public static func replaceArguments(_ route: LearnedRoute) -> [String] {
        var arguments = [family(route), "route", "replace", route.prefix]
        arguments += ["proto", "\(protocolNumber)", "metric", "\(metric)"]
        if route.nextHops.count == 1 {
            arguments += ["via", route.nextHops[0].description]
        } else {
            for hop in route.nextHops { arguments += ["nexthop", "via", hop.description] }
        }
        return arguments
    }

    /// `ip` arguments removing SwiftLB's route for `route.prefix`.
    public static func removeArguments(_ route: LearnedRoute) -> [String] {
        [family(route), "route", "del", route.prefix, "proto", "\(protocolNumber)", "metric", "\(metric)"]
    }

    /// Parses `ip -j route show` output: single-hop routes (`gateway`) and multipath ones (`nexthops`).
    /// Entries without a usable destination or gateway are skipped; malformed JSON throws.
    public static func parse(json: Data) throws -> [LearnedRoute] {
        let text = String(decoding: json, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [] }
        guard let entries = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw KernelRouteError(command: "ip -j route show", reason: "the output is not a JSON array of routes")
        }
        var routes: [LearnedRoute] = []
        for entry in entries {
            guard let dst = entry["dst"] as? String else { continue }
            let destination = dst == "default" ? nil : LearnedRoute.parsePrefix(dst)
            let isDefault = dst == "default"
            var hops: [IPAddress] = []
            if let gateway = (entry["gateway"] as? String).flatMap(IPAddress.init) {
                hops.append(gateway)
            }
            for hop in entry["nexthops"] as? [[String: Any]] ?? [] {
                if let gateway = (hop["gateway"] as? String).flatMap(IPAddress.init) { hops.append(gateway) }
            }
            guard !hops.isEmpty else { continue }
            if let destination {
                routes.append(LearnedRoute(network: destination.network, length: destination.length, nextHops: hops))
            } else if isDefault {
                let any: IPAddress = hops[0].isV4 ? .v4(0) : .v6(Array(repeating: 0, count: 16))
                routes.append(LearnedRoute(network: any, length: 0, nextHops: hops))
            }
        }
        return routes
    }

    private static func family(_ route: LearnedRoute) -> String { route.network.isV4 ? "-4" : "-6" }

    private func run(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ipPath)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let command = "ip " + arguments.joined(separator: " ")
        do {
            try process.run()
        } catch {
            throw KernelRouteError(command: command, reason: "could not start \(ipPath): \(error)")
        }
        // Standard output is drained before waiting so a long route list cannot fill the pipe; `ip`
        // writes at most a line or two of errors, far below the pipe's buffer.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw KernelRouteError(command: command, reason: "exit \(process.terminationStatus): \(text)")
        }
        return data
    }
}

/// An `ip` command that failed.
public struct KernelRouteError: Error, Sendable, CustomStringConvertible {
    /// The command line.
    public var command: String
    /// Why it failed.
    public var reason: String

    /// "`command` failed: reason".
    public var description: String { "`\(command)` failed: \(reason)" }
}
