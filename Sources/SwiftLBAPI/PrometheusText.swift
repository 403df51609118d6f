/// Exposition text built family by family: each family's `# HELP` and `# TYPE` lines, then its
/// sample lines as given (already named and labelled).
struct PrometheusText {
    private var lines: [String] = []

    /// Appends the family `name` of `type` ("counter", "gauge") with its samples.
    mutating func family(_ name: String, _ type: String, _ help: String, _ samples: [String]) {
        lines += ["# HELP \(name) \(PrometheusRenderer.escapeHelp(help))", "# TYPE \(name) \(type)"] + samples
    }

    /// The text so far, each line ending with a newline.
    var text: String { lines.map { $0 + "\n" }.joined() }
}
