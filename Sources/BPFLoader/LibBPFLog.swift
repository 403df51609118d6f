import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

/// Routes libbpf's messages to stderr, minus the kernel notes that only restate an outcome
/// SwiftLB handles (a clsact qdisc that already exists, or none to detach from).
enum LibBPFLog {
    /// Messages containing one of these are expected and dropped.
    static let expected = ["Exclusivity flag on, cannot modify", "Parent Qdisc doesn't exists"]

    /// Installs the filter once per process.
    static let installed: Void = {
        _ = libbpf_set_print { level, format, arguments in
            guard let format, let arguments, level != LIBBPF_DEBUG else { return 0 }
            var buffer = [CChar](repeating: 0, count: 1024)
            let written = vsnprintf(&buffer, buffer.count, format, arguments)
            guard written >= 0 else { return 0 }
            let message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if LibBPFLog.expected.contains(where: { message.contains($0) }) { return 0 }
            var line = message
            line.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
            return written
        }
    }()
}
