import ArgumentParser
import Foundation
import SwiftLBCore

/// `apply -f FILE | -l FILE | --firewall FILE | --endpoint FILE | --session FILE | --ulcl FILE`
/// (loxicmd's grammar): creates
/// every object of the files through the API. Every file is read and checked before anything is
/// sent; when the server refuses one object, the objects this run created are deleted again, so
/// that a bad file changes nothing.
public struct ApplyCommand: APICommand {
    /// Name and help text.
    public static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Apply configuration files written by save (or Kubernetes-style files).",
        discussion: """
            Examples:
              apply -l /etc/loxilb/lbconfig.txt --firewall /etc/loxilb/FWconfig.txt
              apply --session /etc/loxilb/sessionconfig.txt --ulcl /etc/loxilb/sessionulclconfig.txt
              apply -f rule.yaml     (kind: Loadbalancer | Firewall | Endpoint | Session | SessionULCL, with spec)
            """)

    /// Kubernetes-style file (or any saved file).
    @Option(name: [.customShort("f"), .customLong("file")], help: "File with kind and spec (YAML or JSON).")
    public var file: String?
    /// Saved load-balancer file.
    @Option(name: [.customShort("l"), .customLong("lb")], help: "Load-balancer file (lbconfig.txt).")
    public var loadBalancer: String?
    /// Saved firewall file.
    @Option(name: .customLong("firewall"), help: "Firewall file (FWconfig.txt).")
    public var firewall: String?
    /// Saved endpoint file.
    @Option(name: .customLong("endpoint"), help: "Endpoint file (EPconfig.txt).")
    public var endpoint: String?
    /// Saved policy file.
    @Option(name: .customLong("policy"), help: "QoS policy file (Polconfig.txt).")
    public var policy: String?
    /// Saved mirror file.
    @Option(name: .customLong("mirror"), help: "Mirror file (MIRRconfig.txt).")
    public var mirror: String?
    /// loxicmd's kinds SwiftLB does not keep; refused with a message.
    @Option(name: [.customShort("i"), .customLong("ip")], help: "IP configuration file (not applied by SwiftLB).")
    public var ip: String?
    /// Saved GTP-U session file.
    @Option(name: .customLong("session"), help: "GTP-U session file (sessionconfig.txt).")
    public var session: String?
    /// Saved uplink classifier file.
    @Option(name: .customLong("ulcl"), help: "Uplink classifier file (sessionulclconfig.txt).")
    public var ulcl: String?
    /// Not applied by SwiftLB yet.
    @Option(name: .customLong("bfd"), help: "BFD file (not applied by SwiftLB yet).")
    public var bfd: String?
    /// Not applied by SwiftLB.
    @Option(name: .customLong("per-intf"), help: "Interface configuration (not applied by SwiftLB).")
    public var perInterface: String?

    /// Connection flags.
    @OptionGroup(title: "Global Options") public var global: GlobalOptions

    /// Creates the command (ArgumentParser fills the values in).
    public init() {}

    /// Every object to create, in the order endpoints, load balancers, firewall, policies, mirrors,
    /// sessions, then `-f`'s; uplink classifiers last, after the sessions they belong to.
    public func steps() throws(CLIError) -> [ApplyStep] {
        if ip != nil || bfd != nil || perInterface != nil {
            throw .unsupported(
                "SwiftLB applies lb, firewall, endpoint, policy, mirror, session, ulcl and -f files only")
        }
        var steps: [ApplyStep] = []
        let saved = [
            (endpoint, ConfigFileReader.Kind.endpoint), (loadBalancer, .loadBalancer), (firewall, .firewall),
            (policy, .policy),
            (mirror, .mirror), (session, .session), (ulcl, .sessionClassifier),
        ]
        for case (let path?, let kind) in saved {
            steps += try ConfigFileReader.steps(savedFile: try Self.read(path), kind: kind, name: path)
        }
        if let file { steps += try ConfigFileReader.steps(anyFile: try Self.read(file), name: file) }
        guard file != nil || saved.contains(where: { $0.0 != nil }) else {
            throw .invalidInput("Provide valid options: -f FILE, --lb FILE, --firewall FILE or --endpoint FILE")
        }
        // A classifier needs its session: sessions of any file are created before any classifier.
        let isClassifier = { (step: ApplyStep) in step.create.path == SessionPaths.createClassifier }
        return steps.filter { !isClassifier($0) } + steps.filter(isClassifier)
    }

    /// Objects of one kind sent at once: the daemon writes requests that arrive together in one
    /// durable commit, so 100,000 firewall rules take seconds instead of one fsync each.
    static let window = 32

    /// Sends every POST, consecutive objects of one kind `window` at a time (kinds in file order);
    /// on a refusal deletes what this run created, newest first, and fails. Long runs report
    /// progress on standard error.
    public func execute(in environment: CLIEnvironment) async throws(CLIError) {
        let steps = try steps()
        var created: [ApplyStep] = []
        var start = 0
        var reported = 0
        while start < steps.count {
            let path = steps[start].create.path
            var end = start + 1
            while end < steps.count, end - start < Self.window, steps[end].create.path == path { end += 1 }
            let failure = await Self.send(steps[start..<end], with: environment.client, created: &created)
            if let (step, error) = failure {
                for done in created.reversed() { _ = try? await environment.client.send(done.undo) }
                throw .invalidInput(
                    "\(step.label) refused: \(error); the \(created.count) objects created before it were deleted again"
                )
            }
            start = end
            if steps.count >= 10_000, start * 10 / steps.count > reported {
                reported = start * 10 / steps.count
                environment.output.writeError("applied \(start) of \(steps.count) objects")
            }
        }
        environment.output.write("Configuration applied: \(steps.count) objects")
    }

    /// POSTs `steps` concurrently; appends those created (in file order) to `created` and returns
    /// the first refusal in file order, if any.
    private static func send(_ steps: ArraySlice<ApplyStep>, with client: APIClient, created: inout [ApplyStep]) async
        -> (ApplyStep, CLIError)?
    {
        let outcomes = await withTaskGroup(of: (Int, CLIError?).self) { group in
            for (index, step) in zip(steps.indices, steps) {
                group.addTask {
                    do throws(CLIError) {
                        _ = try await client.send(step.create)
                        return (index, nil)
                    } catch {
                        return (index, error)
                    }
                }
            }
            var outcomes: [Int: CLIError?] = [:]
            for await (index, error) in group { outcomes[index] = error }
            return outcomes
        }
        var failure: (ApplyStep, CLIError)?
        for index in steps.indices {
            if let error = outcomes[index] ?? nil {
                failure = failure ?? (steps[index], error)
            } else {
                created.append(steps[index])
            }
        }
        return failure
    }

    private static func read(_ path: String) throws(CLIError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidInput("cannot read \(path)")
        }
        return data
    }
}
