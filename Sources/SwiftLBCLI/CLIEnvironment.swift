/// What a command needs to run: a client for the API, somewhere to print, and the output layout.
public struct CLIEnvironment: Sendable {
    /// The API client.
    public var client: APIClient
    /// Where results and errors are printed.
    public var output: any OutputSink
    /// The `-o` choice, if any.
    public var format: OutputFormat?

    /// Creates an environment.
    public init(client: APIClient, output: any OutputSink, format: OutputFormat? = nil) {
        self.client = client
        self.output = output
        self.format = format
    }
}
