/// A failed request to the Kubernetes API server; `description` says what to do about it.
public enum KubeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// HTTP 410 or a watch `ERROR` with code 410: the resource version is too old; list again.
    case gone
    /// HTTP 401: the token or client certificate was not accepted.
    case unauthorized
    /// HTTP 403: the identity lacks RBAC permission.
    case forbidden(String)
    /// HTTP 404: the object or the resource type does not exist.
    case notFound(String)
    /// HTTP 409: the object changed since it was read.
    case conflict(String)
    /// Any other unsuccessful status, with the server's message.
    case status(code: Int, message: String)
    /// The request did not complete: connection refused or reset, TLS failure, timeout.
    case transport(String)
    /// The response was not the JSON expected.
    case decoding(String)

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case .gone:
            return
                "the requested resource version is too old (410 Gone): list again, then watch from the list's version"
        case .unauthorized:
            return "the API server rejected the credentials (401): check the service-account token or kubeconfig user"
        case .forbidden(let message):
            return "forbidden (403: \(message)): grant swiftlb-kube's service account the RBAC permission it names"
        case .notFound(let message):
            return "not found (404: \(message)): check the name and namespace, and that the API group is served"
        case .conflict(let message):
            return "conflict (409: \(message)): the object changed meanwhile; read it again and retry"
        case .status(let code, let message):
            return "the API server answered \(code): \(message)"
        case .transport(let message):
            return "cannot reach the API server (\(message)): check the server address, the CA and the network"
        case .decoding(let message):
            return "unexpected response from the API server (\(message)): check that it serves the expected API version"
        }
    }

    /// The error for an unsuccessful HTTP status with the server's `Status` body, if any.
    static func from(httpStatus code: Int, status: KubeStatus?, path: String) -> KubeError {
        let message = status?.message ?? path
        switch code {
        case 401: return .unauthorized
        case 403: return .forbidden(message)
        case 404: return .notFound(message)
        case 409: return .conflict(message)
        case 410: return .gone
        default: return .status(code: code, message: message)
        }
    }
}
