import Foundation
import NIOSSL
import Synchronization

/// Server certificates per virtual host, laid out as loxilb lays them out: `<dir>/<host>/server.crt`
/// and `<dir>/<host>/server.key` (PEM), with `<dir>/server.crt` and `<dir>/server.key` for clients
/// whose server name has no directory of its own (or who send none).
///
/// A TLS context is built once per host and rebuilt when either file's modification time changes
/// (checked at most once per `recheckInterval` per host, when a client connects): replacing a
/// certificate needs no restart. TLS 1.2 and 1.3; ALPN offers h2 and http/1.1.
public final class TLSCertificateStore: Sendable {
    public static let certificateFile = "server.crt"
    public static let keyFile = "server.key"

    public let directory: String
    let recheckInterval: Duration

    private struct Entry {
        var context: NIOSSLContext?
        var stamp: [Date?]
        var checked: ContinuousClock.Instant
    }

    private let entries = Mutex([String: Entry]())

    public init(directory: String, recheckInterval: Duration = .seconds(1)) {
        self.directory = directory
        self.recheckInterval = recheckInterval
    }

    /// The context for a client that sent `serverName` (SNI): the host's own directory, else the
    /// wildcard directory of its parent domain ("*.example.com"), else the default; nil when none
    /// of these holds a usable certificate and key.
    public func context(serverName: String?) -> NIOSSLContext? {
        let name = serverName?.lowercased() ?? ""
        var candidates: [String] = []
        if !name.isEmpty, !name.contains("/"), name != ".", name != ".." {
            candidates.append(name)
            if let dot = name.firstIndex(of: ".") { candidates.append("*" + name[dot...]) }
        }
        candidates.append("")
        return candidates.lazy.compactMap { self.context(directoryName: $0) }.first
    }

    private func context(directoryName: String) -> NIOSSLContext? {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[directoryName] }), now - entry.checked < recheckInterval {
            return entry.context
        }
        let base = directoryName.isEmpty ? directory : directory + "/" + directoryName
        let paths = [base + "/" + Self.certificateFile, base + "/" + Self.keyFile]
        let stamp = paths.map { Self.modificationDate($0) }
        if let entry = entries.withLock({ $0[directoryName] }), entry.stamp == stamp {
            entries.withLock { $0[directoryName]?.checked = now }
            return entry.context
        }
        let context = stamp.contains(nil) ? nil : try? Self.makeContext(certificate: paths[0], key: paths[1])
        entries.withLock { $0[directoryName] = Entry(context: context, stamp: stamp, checked: now) }
        return context
    }

    static func makeContext(certificate: String, key: String) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        configuration.applicationProtocols = ["h2", "http/1.1"]
        return try NIOSSLContext(configuration: configuration)
    }

    static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// The client context for e2ehttps: endpoints' certificates must chain to the CA in `caFile`
    /// (PEM); their names are not checked, since endpoints are addressed by IP.
    public static func endpointContext(caFile: String) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(caFile)
        configuration.certificateVerification = .noHostnameVerification
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        return try NIOSSLContext(configuration: configuration)
    }
}
