import Foundation
import SwiftLBKube
import Testing

@Suite struct KubeConfigTests {
    /// A fresh directory for one test's files.
    private func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }

    private static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    private func kubeconfig(cluster: String, user: String, context: String = "kind") -> String {
        """
        apiVersion: v1
        kind: Config
        preferences: {}
        current-context: \(context)
        clusters:
        - name: other
          cluster:
            server: https://other.example:6443
        - name: kind-cluster
          cluster:
        \(cluster)
        contexts:
        - name: kind
          context:
            cluster: kind-cluster
            user: kind-user
            namespace: default
        users:
        - name: kind-user
          user:
        \(user)
        """
    }

    @Test func tokenAndBase64CertificateAuthority() throws {
        let dir = try directory()
        let path = dir.appendingPathComponent("config")
        let data = Data(Self.caPEM.utf8).base64EncodedString()
        try write(
            kubeconfig(
                cluster: "    server: https://127.0.0.1:6443/\n    certificate-authority-data: \(data)",
                user: "    token: abc.def"), to: path)
        let config = try KubeConfig.load(kubeconfigPath: path.path)
        #expect(config.server == "https://127.0.0.1:6443")
        #expect(config.certificateAuthorityPEM == Array(Self.caPEM.utf8))
        #expect(config.token == .literal("abc.def"))
        #expect(config.clientCertificate == nil)
        #expect(!config.insecureSkipTLSVerify)
    }

    @Test func tokenFileAndRelativeCertificateAuthorityFile() throws {
        let dir = try directory()
        try write(Self.caPEM, to: dir.appendingPathComponent("ca.crt"))
        try write("tok\n", to: dir.appendingPathComponent("token"))
        let path = dir.appendingPathComponent("config")
        try write(
            kubeconfig(
                cluster: "    server: https://k8s.example\n    certificate-authority: ca.crt\n"
                    + "    insecure-skip-tls-verify: true",
                user: "    tokenFile: \(dir.path)/token"), to: path)
        let config = try KubeConfig.load(kubeconfigPath: path.path)
        #expect(config.certificateAuthorityPEM == Array(Self.caPEM.utf8))
        #expect(config.token == .file("\(dir.path)/token"))
        #expect(config.insecureSkipTLSVerify)
    }

    @Test func clientCertificateFromDataAndFile() throws {
        let dir = try directory()
        try write("KEY", to: dir.appendingPathComponent("client.key"))
        let path = dir.appendingPathComponent("config")
        let cert = Data("CERT".utf8).base64EncodedString()
        try write(
            kubeconfig(
                cluster: "    server: https://k8s.example",
                user: "    client-certificate-data: \(cert)\n    client-key: client.key"), to: path)
        let config = try KubeConfig.load(kubeconfigPath: path.path)
        #expect(
            config.clientCertificate == ClientCertificate(certificatePEM: Array("CERT".utf8), keyPEM: Array("KEY".utf8))
        )
        #expect(config.token == nil)
    }

    @Test func missingFileIsNamed() {
        #expect(throws: KubeConfigError.unreadable(path: "/nonexistent/kubeconfig", reason: "no such file")) {
            try KubeConfig.load(kubeconfigPath: "/nonexistent/kubeconfig")
        }
    }

    @Test func missingCertificateAuthorityFileIsNamed() throws {
        let dir = try directory()
        let path = dir.appendingPathComponent("config")
        try write(
            kubeconfig(
                cluster: "    server: https://k8s.example\n    certificate-authority: nope.crt", user: "    token: t"),
            to: path)
        #expect(throws: KubeConfigError.unreadable(path: "\(dir.path)/nope.crt", reason: "no such file")) {
            try KubeConfig.load(kubeconfigPath: path.path)
        }
    }

    @Test func badFieldsAreNamed() throws {
        let dir = try directory()
        let path = dir.appendingPathComponent("config")
        try write(kubeconfig(cluster: "    certificate-authority-data: AAAA", user: "    token: t"), to: path)
        #expect(throws: KubeConfigError.missingField(path: path.path, field: "clusters[kind-cluster].cluster.server")) {
            try KubeConfig.load(kubeconfigPath: path.path)
        }
        try write(kubeconfig(cluster: "    server: https://x", user: "    token: t", context: "gone"), to: path)
        #expect(
            throws: KubeConfigError.invalidField(
                path: path.path, field: "current-context", reason: "no context named \"gone\"")
        ) {
            try KubeConfig.load(kubeconfigPath: path.path)
        }
        try write(
            kubeconfig(cluster: "    server: https://x\n    certificate-authority-data: '!!!'", user: "    token: t"),
            to: path)
        #expect(
            throws: KubeConfigError.invalidField(
                path: path.path, field: "clusters[kind-cluster].cluster.certificate-authority-data",
                reason: "not valid base64")
        ) {
            try KubeConfig.load(kubeconfigPath: path.path)
        }
    }

    @Test func execPluginWithoutOtherCredentialsIsRefused() throws {
        let dir = try directory()
        let path = dir.appendingPathComponent("config")
        try write(
            kubeconfig(
                cluster: "    server: https://x",
                user: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws"), to: path)
        #expect(
            throws: KubeConfigError.invalidField(
                path: path.path, field: "users[kind-user].user.exec",
                reason: "credential plugins (aws) are not supported; use a token, tokenFile or client certificate")
        ) {
            try KubeConfig.load(kubeconfigPath: path.path)
        }
    }

    @Test func invalidYAMLNamesTheFile() throws {
        let dir = try directory()
        let path = dir.appendingPathComponent("config")
        try write("clusters: [unclosed\n", to: path)
        do {
            _ = try KubeConfig.load(kubeconfigPath: path.path)
            Issue.record("expected an error")
        } catch {
            guard case .invalidYAML(let file, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(file == path.path)
            #expect(error.description.contains(path.path))
        }
    }

    @Test func inClusterReadsTheServiceAccount() throws {
        let dir = try directory()
        try write(Self.caPEM, to: dir.appendingPathComponent("ca.crt"))
        try write("sa-token", to: dir.appendingPathComponent("token"))
        let env = ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"]
        let config = try KubeConfig.inCluster(environment: env, serviceAccountDirectory: dir.path)
        #expect(config.server == "https://[fd00::1]:443")
        #expect(config.token == .file("\(dir.path)/token"))
        #expect(config.certificateAuthorityPEM == Array(Self.caPEM.utf8))
        #expect(throws: KubeConfigError.notInCluster) {
            try KubeConfig.inCluster(environment: [:], serviceAccountDirectory: dir.path)
        }
    }

    @Test func resolveOrder() throws {
        let dir = try directory()
        let explicit = dir.appendingPathComponent("explicit")
        let fromEnv = dir.appendingPathComponent("env")
        try write(kubeconfig(cluster: "    server: https://explicit", user: "    token: t"), to: explicit)
        try write(kubeconfig(cluster: "    server: https://env", user: "    token: t"), to: fromEnv)
        let env = ["KUBECONFIG": "\(fromEnv.path):/other", "HOME": dir.path]
        #expect(try KubeConfig.resolve(explicitPath: explicit.path, environment: env).server == "https://explicit")
        #expect(try KubeConfig.resolve(explicitPath: nil, environment: env).server == "https://env")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent(".kube"), withIntermediateDirectories: true)
        try write(
            kubeconfig(cluster: "    server: https://home", user: "    token: t"),
            to: dir.appendingPathComponent(".kube/config"))
        #expect(try KubeConfig.resolve(explicitPath: nil, environment: ["HOME": dir.path]).server == "https://home")
        #expect(throws: KubeConfigError.notInCluster) {
            try KubeConfig.resolve(explicitPath: nil, environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1"])
        }
        let empty = try directory()
        #expect(throws: KubeConfigError.self) {
            try KubeConfig.resolve(explicitPath: nil, environment: ["HOME": empty.path])
        }
    }
}
