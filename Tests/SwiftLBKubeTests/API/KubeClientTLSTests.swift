import HummingbirdTLS
import SwiftLBKube
import Testing

/// The client against an HTTPS fake API server that requires a client certificate signed by the test CA.
@Suite(.timeLimit(.minutes(1))) struct KubeClientTLSTests {
    private static func serverTLS() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(TLSFixtures.serverCertificate.utf8)).map {
                .certificate($0)
            },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(TLSFixtures.serverKey.utf8), format: .pem)))
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(TLSFixtures.ca.utf8)))
        tls.certificateVerification = .noHostnameVerification
        return tls
    }

    private static let clientCertificate = ClientCertificate(
        certificatePEM: Array(TLSFixtures.clientCertificate.utf8), keyPEM: Array(TLSFixtures.clientKey.utf8))

    private static let emptyList = FakeReply.json(200, KubeFixtures.list("NodeList", resourceVersion: "1", items: []))

    @Test func trustsTheConfiguredCAAndPresentsTheClientCertificate() async throws {
        try await FakeAPIServer.with(tls: try Self.serverTLS()) { server in
            await server.state.script(lists: [Self.emptyList])
            let config = KubeConfig(
                server: server.url, certificateAuthorityPEM: Array(TLSFixtures.ca.utf8), token: .literal("t"),
                clientCertificate: Self.clientCertificate)
            let client = try KubeClient(config: config)
            let list = try await client.list(Node.self)
            await client.shutdown()
            #expect(list.metadata.resourceVersion == "1")
            #expect(await server.state.requests.first?.headers["authorization"] == "Bearer t")
        }
    }

    @Test func rejectsAServerSignedByAnotherCA() async throws {
        try await FakeAPIServer.with(tls: try Self.serverTLS()) { server in
            let config = KubeConfig(
                server: server.url, certificateAuthorityPEM: Array(TLSFixtures.otherCA.utf8),
                clientCertificate: Self.clientCertificate)
            let client = try KubeClient(config: config)
            await #expect(throws: KubeError.self) { try await client.list(Node.self) }
            await client.shutdown()
            #expect(await server.state.requests.isEmpty)
        }
    }

    @Test func insecureSkipTLSVerifyAcceptsAnyServer() async throws {
        try await FakeAPIServer.with(tls: try Self.serverTLS()) { server in
            await server.state.script(lists: [Self.emptyList])
            let config = KubeConfig(
                server: server.url, certificateAuthorityPEM: Array(TLSFixtures.otherCA.utf8),
                insecureSkipTLSVerify: true, clientCertificate: Self.clientCertificate)
            let client = try KubeClient(config: config)
            _ = try await client.list(Node.self)
            await client.shutdown()
            #expect(await server.state.requests.count == 1)
        }
    }

    @Test func invalidPEMIsReportedAtConstruction() {
        let config = KubeConfig(server: "https://127.0.0.1:6443", certificateAuthorityPEM: Array("not a pem".utf8))
        #expect {
            _ = try KubeClient(config: config)
        } throws: { error in
            guard case .transport(let message) = error as? KubeError else { return false }
            return message.contains("not valid PEM")
        }
    }
}
