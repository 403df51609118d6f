import ArgumentParser

/// A leaf command that talks to the API. Its `execute` is pure apart from the environment, so
/// tests run it against a fake transport; `run` wires the real one and turns errors into
/// "Error: ..." on standard error and exit code 1.
public protocol APICommand: AsyncParsableCommand {
    /// The global flags given with this command.
    var global: GlobalOptions { get }
    /// Performs the command.
    func execute(in environment: CLIEnvironment) async throws(CLIError)
}

extension APICommand {
    /// Runs the command against the API server named by the global flags.
    public mutating func run() async throws {
        let output = StandardOutput()
        do throws(CLIError) {
            let endpoint = try global.endpoint()
            let transport: any HTTPTransport =
                endpoint.tls ? try HTTPSTransport(endpoint: endpoint) : URLSessionTransport(endpoint: endpoint)
            let client = APIClient(transport: transport)
            try await execute(in: CLIEnvironment(client: client, output: output, format: global.output))
        } catch {
            output.writeError("Error: \(error)")
            throw ExitCode.failure
        }
    }
}
