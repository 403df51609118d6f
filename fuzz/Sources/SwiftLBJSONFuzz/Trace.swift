import Foundation

/// With `FUZZ_JSON_TRACE=1`, each check prints its verdict to stderr, to see what a corpus file or a
/// crashing input does (`SwiftLBJSONFuzz file...` runs the given inputs once).
enum Trace {
    private static let enabled = ProcessInfo.processInfo.environment["FUZZ_JSON_TRACE"] == "1"

    /// Prints "<body type>: <verdict>" when tracing.
    static func note(_ type: String, _ verdict: @autoclosure () -> String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("fuzz-json trace: \(type): \(verdict())\n".utf8))
    }
}
