import Foundation

/// Where commands print: standard output and standard error in the tool, a recorder in tests.
public protocol OutputSink: Sendable {
    /// Prints `text` and a newline on the regular output.
    func write(_ text: String)
    /// Prints `text` and a newline on the error output.
    func writeError(_ text: String)
}

/// The process's standard output and standard error.
public struct StandardOutput: OutputSink {
    /// Creates the sink.
    public init() {}

    /// Prints to standard output.
    public func write(_ text: String) {
        print(text)
    }

    /// Prints to standard error.
    public func writeError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
