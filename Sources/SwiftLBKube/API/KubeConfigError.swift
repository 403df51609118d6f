/// Why no usable API server configuration was found; each case names the file and field to fix.
public enum KubeConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// A kubeconfig is not valid YAML, or has a field of the wrong type.
    case invalidYAML(path: String, reason: String)
    /// A required field is missing or empty.
    case missingField(path: String, field: String)
    /// A field's value is unusable (bad base64, an unknown context name, an unparsable server URL).
    case invalidField(path: String, field: String, reason: String)
    /// In-cluster configuration was asked for outside a pod.
    case notInCluster
    /// No explicit path, no in-cluster environment, no $KUBECONFIG and no ~/.kube/config.
    case noConfiguration(tried: [String])

    /// What is wrong and where.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .invalidYAML(let path, let reason):
            return "\(path) is not a valid kubeconfig: \(reason)"
        case .missingField(let path, let field):
            return "\(path): \(field) is missing or empty"
        case .invalidField(let path, let field, let reason):
            return "\(path): \(field): \(reason)"
        case .notInCluster:
            return "not running in a pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set"
        case .noConfiguration(let tried):
            return "no Kubernetes configuration found (tried \(tried.joined(separator: ", "))); pass --kubeconfig"
        }
    }
}
