import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// What one probe of an endpoint found.
public enum ProbeResult: Sendable, Hashable {
    /// The endpoint answered as expected after `delay`.
    case success(delay: Duration)
    /// The endpoint did not answer as expected; `reason` says why (for logs and `get ep`).
    case failure(reason: String)
    /// The probe could not even be sent from here (this process is out of descriptors or memory):
    /// it says nothing about the endpoint, whose state stays as it was.
    case localError(reason: String)

    /// True for `localError`.
    var isLocalError: Bool {
        if case .localError = self { return true }
        return false
    }

    /// `failure(reason)`, or `localError` when `code` is an errno of local exhaustion.
    static func socketFailure(_ reason: String, errno code: Int32) -> ProbeResult {
        isExhaustion(code) ? .localError(reason: reason) : .failure(reason: reason)
    }

    /// EMFILE, ENFILE, ENOBUFS, ENOMEM: the local system, not the endpoint, failed.
    static func isExhaustion(_ code: Int32) -> Bool {
        code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM
    }

    /// True when a SwiftNIO connect failed for local exhaustion (the socket could not be opened).
    static func isExhaustion(_ error: any Error) -> Bool {
        if let error = error as? IOError { return isExhaustion(error.errnoCode) }
        if let error = error as? NIOConnectionError {
            return !error.connectionErrors.isEmpty && error.connectionErrors.allSatisfy { isExhaustion($0.error) }
        }
        return false
    }
}
