import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

/// A failed BPF operation: what was attempted, the errno it failed with, and advice when we have some.
public struct BPFError: Error, CustomStringConvertible, Sendable {
    /// The operation, e.g. "load object swiftlb" or "attach slb_tc_ingress to eth0 ingress".
    public var operation: String
    /// The positive errno value (0 when the failure had none).
    public var code: Int32
    /// What the operator can do about it, if known.
    public var hint: String?

    public init(operation: String, code: Int32, hint: String? = nil) {
        self.operation = operation
        self.code = code
        self.hint = hint
    }

    /// Builds an error from a libbpf return value (negative errno) or the thread's errno.
    static func from(_ operation: String, result: Int32, hint: String? = nil) -> BPFError {
        let code = result < 0 ? -result : errno
        return BPFError(operation: operation, code: code, hint: hint ?? BPFError.defaultHint(code))
    }

    static func defaultHint(_ code: Int32) -> String? {
        switch code {
        case EPERM, EACCES: "BPF needs root (CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN)"
        case ENOENT: "the object does not exist (program, map, pin or interface)"
        case E2BIG: "a map or table is full or a value is too large"
        default: nil
        }
    }

    public var description: String {
        var text = "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        if let hint { text += "; \(hint)" }
        return text
    }
}
