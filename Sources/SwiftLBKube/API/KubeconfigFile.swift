import Foundation
import Yams

/// The parts of a kubeconfig file (kubectl's YAML) that select the current context's cluster and user.
struct KubeconfigFile: Decodable {
    struct Named<Value: Decodable>: Decodable {
        var name: String
        var value: Value?

        private enum CodingKeys: String, CodingKey {
            case name, cluster, context, user
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            value =
                try container.decodeIfPresent(Value.self, forKey: .cluster)
                ?? container.decodeIfPresent(Value.self, forKey: .context)
                ?? container.decodeIfPresent(Value.self, forKey: .user)
        }
    }

    struct Cluster: Decodable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?

        private enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        }
    }

    struct Context: Decodable {
        var cluster: String?
        var user: String?
    }

    struct ExecPlugin: Decodable {
        var command: String?
    }

    struct User: Decodable {
        var exec: ExecPlugin?
        var token: String?
        var tokenFile: String?
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?

        private enum CodingKeys: String, CodingKey {
            case exec, token, tokenFile
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
        }
    }

    var currentContext: String?
    var clusters: [Named<Cluster>]?
    var contexts: [Named<Context>]?
    var users: [Named<User>]?

    private enum CodingKeys: String, CodingKey {
        case currentContext = "current-context"
        case clusters, contexts, users
    }

    static func parse(_ text: String, path: String) throws(KubeConfigError) -> KubeconfigFile {
        do {
            return try YAMLDecoder().decode(KubeconfigFile.self, from: text)
        } catch let error as DecodingError {
            throw .invalidYAML(path: path, reason: Self.describe(error))
        } catch {
            throw .invalidYAML(path: path, reason: "\(error)")
        }
    }

    /// The configuration of the current context.
    func currentConfig(path: String) throws(KubeConfigError) -> KubeConfig {
        guard let contextName = currentContext, !contextName.isEmpty else {
            throw .missingField(path: path, field: "current-context")
        }
        guard let context = contexts?.first(where: { $0.name == contextName })?.value else {
            throw .invalidField(path: path, field: "current-context", reason: "no context named \"\(contextName)\"")
        }
        guard let clusterName = context.cluster, !clusterName.isEmpty else {
            throw .missingField(path: path, field: "contexts[\(contextName)].context.cluster")
        }
        guard let cluster = clusters?.first(where: { $0.name == clusterName })?.value else {
            throw .invalidField(
                path: path, field: "contexts[\(contextName)].context.cluster",
                reason: "no cluster named \"\(clusterName)\"")
        }
        let clusterField = "clusters[\(clusterName)].cluster"
        guard let server = cluster.server, !server.isEmpty else {
            throw .missingField(path: path, field: "\(clusterField).server")
        }
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw .invalidField(path: path, field: "\(clusterField).server", reason: "\(server) is not an http(s) URL")
        }
        var config = KubeConfig(server: server, insecureSkipTLSVerify: cluster.insecureSkipTLSVerify ?? false)
        config.certificateAuthorityPEM = try pem(
            data: cluster.certificateAuthorityData, file: cluster.certificateAuthority,
            field: "\(clusterField).certificate-authority", path: path)
        if let userName = context.user, !userName.isEmpty {
            guard let user = users?.first(where: { $0.name == userName })?.value else {
                throw .invalidField(
                    path: path, field: "contexts[\(contextName)].context.user", reason: "no user named \"\(userName)\"")
            }
            try apply(user, named: userName, to: &config, path: path)
        }
        return config
    }

    private func apply(_ user: User, named name: String, to config: inout KubeConfig, path: String)
        throws(KubeConfigError)
    {
        let field = "users[\(name)].user"
        if let token = user.token, !token.isEmpty {
            config.token = .literal(token)
        } else if let tokenFile = user.tokenFile, !tokenFile.isEmpty {
            let resolved = Self.resolve(tokenFile, relativeTo: path)
            _ = try KubeConfig.readFile(resolved)
            config.token = .file(resolved)
        }
        let certificate = try pem(
            data: user.clientCertificateData, file: user.clientCertificate, field: "\(field).client-certificate",
            path: path)
        let key = try pem(data: user.clientKeyData, file: user.clientKey, field: "\(field).client-key", path: path)
        switch (certificate, key) {
        case (let certificate?, let key?):
            config.clientCertificate = ClientCertificate(certificatePEM: certificate, keyPEM: key)
        case (nil, nil):
            if config.token == nil, let command = user.exec?.command {
                throw .invalidField(
                    path: path, field: "\(field).exec",
                    reason: "credential plugins (\(command)) are not supported; "
                        + "use a token, tokenFile or client certificate")
            }
        case (nil, _?):
            throw .missingField(path: path, field: "\(field).client-certificate")
        case (_?, nil):
            throw .missingField(path: path, field: "\(field).client-key")
        }
    }

    /// PEM bytes from `<field>-data` (base64) or else from the file `<field>` names.
    private func pem(data: String?, file: String?, field: String, path: String) throws(KubeConfigError) -> [UInt8]? {
        if let data, !data.isEmpty {
            guard let decoded = Data(base64Encoded: data, options: .ignoreUnknownCharacters), !decoded.isEmpty else {
                throw .invalidField(path: path, field: "\(field)-data", reason: "not valid base64")
            }
            return [UInt8](decoded)
        }
        if let file, !file.isEmpty {
            return try KubeConfig.readFile(Self.resolve(file, relativeTo: path))
        }
        return nil
    }

    private static func resolve(_ file: String, relativeTo kubeconfigPath: String) -> String {
        if file.hasPrefix("/") { return file }
        let directory = URL(fileURLWithPath: kubeconfigPath).deletingLastPathComponent().path
        return "\(directory)/\(file)"
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            let field = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(
                separator: ".")
            return field.isEmpty ? context.debugDescription : "\(field): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
