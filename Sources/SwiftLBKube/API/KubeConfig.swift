import Foundation

/// Where the API server is and how to authenticate to it.
public struct KubeConfig: Sendable, Equatable {
    /// The server's base URL (`https://10.96.0.1:443`), without a trailing slash.
    public var server: String
    /// PEM certificates to trust for the server; nil means the system's trust store.
    public var certificateAuthorityPEM: [UInt8]?
    /// Whether to skip verifying the server's certificate (kubeconfig `insecure-skip-tls-verify`).
    public var insecureSkipTLSVerify: Bool
    /// The bearer token, if any.
    public var token: BearerTokenSource?
    /// The client certificate and key (PEM), if any.
    public var clientCertificate: ClientCertificate?

    /// Creates a configuration.
    public init(
        server: String, certificateAuthorityPEM: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false,
        token: BearerTokenSource? = nil, clientCertificate: ClientCertificate? = nil
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.token = token
        self.clientCertificate = clientCertificate
    }

    /// The service-account directory mounted into every pod.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The pod's own configuration: the server from KUBERNETES_SERVICE_HOST/PORT, the CA from
    /// `ca.crt` and the token from the `token` file, which the client re-reads because the kubelet
    /// rotates projected tokens.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = serviceAccountDirectory
    ) throws(KubeConfigError) -> KubeConfig {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else { throw .notInCluster }
        let tokenPath = "\(serviceAccountDirectory)/token"
        let token = try readFile(tokenPath)
        guard !token.isEmpty else { throw .missingField(path: tokenPath, field: "token") }
        let authority = host.contains(":") ? "[\(host)]" : host
        return KubeConfig(
            server: "https://\(authority):\(port)",
            certificateAuthorityPEM: try readFile("\(serviceAccountDirectory)/ca.crt"),
            token: .file(tokenPath))
    }

    /// The configuration for kubectl's current context in the kubeconfig at `kubeconfigPath`.
    ///
    /// Relative file paths in it are resolved against the kubeconfig's directory, as kubectl does.
    public static func load(kubeconfigPath: String) throws(KubeConfigError) -> KubeConfig {
        let bytes = try readFile(kubeconfigPath)
        let file = try KubeconfigFile.parse(String(decoding: bytes, as: UTF8.self), path: kubeconfigPath)
        return try file.currentConfig(path: kubeconfigPath)
    }

    /// The configuration swiftlb-kube should use: the explicit path if given, else in-cluster when
    /// running in a pod, else $KUBECONFIG (its first entry), else ~/.kube/config.
    public static func resolve(
        explicitPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KubeConfigError) -> KubeConfig {
        if let explicitPath, !explicitPath.isEmpty {
            return try load(kubeconfigPath: explicitPath)
        }
        if environment["KUBERNETES_SERVICE_HOST"] != nil {
            return try inCluster(environment: environment)
        }
        var tried = ["in-cluster (KUBERNETES_SERVICE_HOST unset)"]
        if let list = environment["KUBECONFIG"], let first = list.split(separator: ":").first {
            return try load(kubeconfigPath: String(first))
        }
        tried.append("$KUBECONFIG (unset)")
        if let home = environment["HOME"] {
            let path = "\(home)/.kube/config"
            if FileManager.default.fileExists(atPath: path) {
                return try load(kubeconfigPath: path)
            }
            tried.append(path)
        }
        throw .noConfiguration(tried: tried)
    }

    /// The bytes of the file at `path`.
    static func readFile(_ path: String) throws(KubeConfigError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadable(path: path, reason: Self.reason(error, path: path))
        }
    }

    private static func reason(_ error: any Error, path: String) -> String {
        FileManager.default.fileExists(atPath: path) ? error.localizedDescription : "no such file"
    }
}

/// Where the bearer token comes from.
public enum BearerTokenSource: Sendable, Equatable {
    /// A fixed token.
    case literal(String)
    /// A file holding the token, re-read periodically and after a 401.
    case file(String)
}

/// A client certificate and its private key, in PEM.
public struct ClientCertificate: Sendable, Equatable {
    /// The certificate chain, leaf first.
    public var certificatePEM: [UInt8]
    /// The private key.
    public var keyPEM: [UInt8]

    /// Creates a client certificate.
    public init(certificatePEM: [UInt8], keyPEM: [UInt8]) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
    }
}
