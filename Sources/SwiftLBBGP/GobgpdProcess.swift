import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One gobgpd child process: started with a generated config file, its API on 127.0.0.1:`apiPort`,
/// its output appended to `logFile`, and its PID (with start time) recorded in `pidFile` so that a
/// gobgpd left behind by a killed daemon is stopped before a new one starts.
///
/// Unchecked Sendable: the class holds only constants; the `Process` it wraps guards its own state
/// (Foundation reads `isRunning` and the termination status under its lock).
final class GobgpdProcess: @unchecked Sendable {
    let process: Process
    let pidFile: String

    /// Starts gobgpd. Throws `BGPSupervisorError.launch` when the executable cannot be started.
    init(executable: String, configFile: String, apiPort: Int, logFile: String, pidFile: String) throws {
        self.pidFile = pidFile
        Self.stopLeftover(pidFile: pidFile)
        let process = Process()
        let arguments = Self.arguments(configFile: configFile, apiPort: apiPort)
        if let setpriv = Self.setpriv {
            process.executableURL = URL(fileURLWithPath: setpriv)
            process.arguments = ["--pdeathsig", "KILL", "--", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        if !FileManager.default.fileExists(atPath: logFile) {
            _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        }
        let log = FileHandle(forWritingAtPath: logFile)
        _ = try? log?.seekToEnd()
        process.standardOutput = log ?? FileHandle.nullDevice
        process.standardError = log ?? FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try SpawnThread.shared.run { try process.run() }
        } catch {
            try? log?.close()
            throw BGPSupervisorError.launch("\(executable): \(error)")
        }
        // The child has its own copy of the descriptor; ours would leak one per restart.
        try? log?.close()
        self.process = process
        let pid = process.processIdentifier
        let record = "\(pid) \(Self.startTime(pid) ?? "")\n"
        try? record.write(toFile: pidFile, atomically: true, encoding: .utf8)
    }

    /// util-linux's setpriv, which sets the child's parent-death signal and then runs gobgpd in
    /// the same process (so the PID is gobgpd's); without it gobgpd can outlive a killed daemon
    /// until the next start stops it through the PID file.
    static let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// gobgpd's command line after the executable.
    static func arguments(configFile: String, apiPort: Int) -> [String] {
        [
            "-f", configFile, "-t", "toml", "--api-hosts", "127.0.0.1:\(apiPort)", "--pprof-disable", "-p",
            "-l", "info",
        ]
    }

    /// The process ID.
    var pid: Int32 { process.processIdentifier }

    /// True while the child runs.
    var isRunning: Bool { process.isRunning }

    /// How the child ended ("exit 1", "signal 9"); only meaningful once it stopped.
    var exitDescription: String {
        process.terminationReason == .uncaughtSignal
            ? "signal \(process.terminationStatus)" : "exit \(process.terminationStatus)"
    }

    /// Stops the child: SIGTERM, up to `grace` seconds, then SIGKILL. Removes the PID file.
    func stop(grace: Double = 3) async {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning && Date() < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                for _ in 0..<40 where process.isRunning {
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
        }
        try? FileManager.default.removeItem(atPath: pidFile)
    }

    /// Stops the gobgpd recorded in `pidFile` if it still runs (same PID, same start time, named
    /// gobgpd), so a daemon killed with SIGKILL does not leave a second speaker holding the ports.
    static func stopLeftover(pidFile: String) {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8) else { return }
        let fields = text.split(whereSeparator: \.isWhitespace)
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        guard fields.count == 2, let pid = Int32(fields[0]), pid > 1 else { return }
        guard startTime(pid) == String(fields[1]), command(pid) == "gobgpd" else { return }
        kill(pid, SIGTERM)
        for _ in 0..<60 where kill(pid, 0) == 0 && startTime(pid) == String(fields[1]) {
            usleep(50_000)
        }
        if kill(pid, 0) == 0 && startTime(pid) == String(fields[1]) { kill(pid, SIGKILL) }
    }

    /// Field 22 of /proc/PID/stat (start time in clock ticks), which tells a recycled PID apart.
    static func startTime(_ pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After ")" come field 3 (state) onwards, so field 22 is at index 19.
        return fields.count > 19 ? String(fields[19]) : nil
    }

    private static func command(_ pid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Why the supervisor could not run gobgpd.
enum BGPSupervisorError: Error, CustomStringConvertible {
    /// The executable was not found.
    case notFound(String)
    /// Starting the process failed.
    case launch(String)
    /// Writing the config file failed.
    case configFile(String)

    var description: String {
        switch self {
        case .notFound(let what): "gobgpd not found (\(what)); install Debian's gobgpd package or pass --gobgpd PATH"
        case .launch(let what): "gobgpd could not be started: \(what)"
        case .configFile(let what): "the gobgpd config file could not be written: \(what)"
        }
    }
}
